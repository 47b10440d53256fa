"""PDFs made with WeasyPrint, offline.

The font is Noto Sans (Latin, Polish and Cyrillic), shipped by the `fontpkg-noto-sans`
package (SIL Open Font License 1.1); templates load it with `@font-face` from
`font_url()`. Nothing else is ever fetched: the URL fetcher answers only that one file
and refuses any other URL (fatally), so a render never touches the network or the disk
beyond the font. Used by the law-enforcement report and the case summary.
"""

from pathlib import Path
from typing import Any


def font_path() -> Path:
    """The bundled font file: Noto Sans, variable in width and weight."""
    import fontpkg_noto_sans

    return Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"


def font_url() -> str:
    return font_path().as_uri()


def fetcher() -> Any:
    """A WeasyPrint URL fetcher that answers the bundled font and refuses the rest.
    Refusals are fatal, so a template that asks for anything else fails loudly."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    font = font_path()
    allowed = font.as_uri()

    class OnlyTheFont(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url != allowed:
                raise PermissionError("safepath PDFs fetch nothing but their font")
            return URLFetcherResponse(url, font.read_bytes(), {"Content-Type": "font/ttf"})

    return OnlyTheFont(fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a rendered template. Offline: only the bundled font is ever read."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf = HTML(string=html, url_fetcher=fetcher(), base_url=None).write_pdf(
        font_config=FontConfiguration()
    )
    assert pdf is not None
    return bytes(pdf)
