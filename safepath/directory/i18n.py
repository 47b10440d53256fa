"""Reading the directory's translated texts (`TranslatedText` JSON: language → text).

A text is shown in the reader's language when it has been written in it; otherwise in
the first language that has it, in the order of `FALLBACK` (Polish, the language
services in Poland write first, then English, Ukrainian, Russian), and marked as such
so the page can say "(in Polish)": a missing translation falls back visibly, never
silently and never to an empty line.
"""

from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES: Final = tuple(code for code, _name in settings.LANGUAGES)
FALLBACK: Final = ("pl", "en", "uk", "ru")


@dataclass(frozen=True)
class Shown:
    """A text as shown: `language` is the one it is in; `fallback` says it is not the
    one asked for."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def pick(value: Any, language: str | None = None) -> Shown:
    """The text of `value` for `language` (default: the active one), or the fallback."""
    wanted = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    texts = value if isinstance(value, dict) else {}
    text = texts.get(wanted)
    if isinstance(text, str) and text.strip():
        return Shown(text, wanted, False)
    for code in FALLBACK:
        text = texts.get(code)
        if isinstance(text, str) and text.strip():
            return Shown(text, code, True)
    return Shown("", wanted, False)


def text_in(value: Any, language: str | None = None) -> str:
    """Only the text (for the API and exports)."""
    return pick(value, language).text


def clean(value: Any) -> dict[str, str]:
    """A `TranslatedText` value as stored: known languages only, stripped, no empties.
    Raises ValueError for anything but a mapping of language codes to strings."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        raise ValueError("expected an object of language codes to texts")
    if not isinstance(value, dict):
        raise ValueError("expected an object of language codes to texts")
    cleaned: dict[str, str] = {}
    for code, text in value.items():
        if code not in LANGUAGE_CODES:
            raise ValueError(f"unknown language code {code!r}")
        if not isinstance(text, str):
            raise ValueError(f"the {code} text is not a string")
        if text.strip():
            cleaned[code] = text.strip()
    return cleaned
