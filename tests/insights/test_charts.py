"""Server-side charts: localised, offline, and a suppressed figure is never drawn as zero."""

import datetime
import json
import re

from safepath.insights import charts
from safepath.insights.charts import Bar, ChartText, TimePoint

TEXT = ChartText(
    title="Screenings by sex",
    value_axis="Screenings",
    current="This period",
    previous="Previous period",
    missing_note="– fewer than 5: not drawn",
)
MONTHS = [datetime.date(2025, month, 1) for month in range(1, 7)]


def _group(svg: str, mark: str) -> str:
    """The inner SVG of the first mark group of `mark` (e.g. "mark-rect role-mark")."""
    start = svg.index(f'<g class="{mark}')
    end = svg.index("</g>", start)
    return svg[start:end]


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_suppressed_bar_is_a_dash_not_a_bar_of_zero() -> None:
    spec = charts.bar_chart([Bar("Female", 12), Bar("Male", None)], TEXT, compare=False)
    svg = charts.svg(spec, "en")
    assert _group(svg, "mark-rect role-mark").count("<path") == 1  # only Female's bar
    assert charts.MISSING in _texts(svg)
    # A true zero is a bar (of no width): the two are told apart.
    zero = charts.svg(
        charts.bar_chart([Bar("Female", 12), Bar("Male", 0)], TEXT, compare=False), "en"
    )
    assert _group(zero, "mark-rect role-mark").count("<path") == 2
    assert charts.MISSING not in _texts(zero)


def test_the_previous_period_is_drawn_beside_and_its_gaps_too() -> None:
    spec = charts.bar_chart([Bar("Female", 12, None), Bar("Male", 7, 9)], TEXT)
    svg = charts.svg(spec, "en")
    assert _group(svg, "mark-rect role-mark").count("<path") == 3
    assert _texts(svg).count(charts.MISSING) == 1
    assert "Previous period" in _texts(svg)


def test_a_suppressed_month_breaks_the_line_and_has_no_point() -> None:
    points = [TimePoint(month, None if month.month == 3 else 10 + month.month) for month in MONTHS]
    svg = charts.svg(charts.time_chart(points, TEXT, compare=False), "en")
    assert _group(svg, "mark-symbol role-mark").count("<path") == 5
    line = _group(svg, "mark-line role-mark")
    # Two pieces of line (Jan-Feb, Apr-Jun): the path moves twice, never down to 0.
    assert re.findall(r'd="([^"]*)"', line)[0].count("M") == 2
    # One grey band over March, and nothing over the months that have a figure.
    band = _group(svg, "mark-rect role-mark")
    assert band.count("<path") == 1
    assert f'fill="{charts.BAND_COLOUR}"' in band
    whole = [TimePoint(month, 10) for month in MONTHS]
    assert "mark-rect role-mark" not in charts.svg(charts.time_chart(whole, TEXT), "en")


def test_polish_charts_use_polish_month_names_and_number_format() -> None:
    points = [TimePoint(month, 12000 + month.month) for month in MONTHS]
    polish = _texts(charts.svg(charts.time_chart(points, TEXT, compare=False), "pl"))
    assert "sty 2025" in polish
    assert "mar 2025" in polish
    assert any(re.fullmatch(r"12\u00a0000", label) for label in polish)
    english = _texts(charts.svg(charts.time_chart(points, TEXT, compare=False), "en"))
    assert "Jan 2025" in english
    assert "12,000" in english


def test_ukrainian_and_russian_month_names() -> None:
    points = [TimePoint(month, 10) for month in MONTHS]
    spec = charts.time_chart(points, TEXT, compare=False)
    assert "січ. 2025" in _texts(charts.svg(spec, "uk"))
    assert "янв 2025" in _texts(charts.svg(spec, "ru"))
    # Standing alone, a month is named in the nominative.
    assert charts.time_format_locale("uk")["months"][0] == "січень"
    assert charts.time_format_locale("ru")["months"][0] == "январь"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert charts.language_of("de") == "en"
    assert charts.language_of("pl-PL") == "pl"


def test_a_chart_holds_its_data_and_fetches_nothing() -> None:
    spec = charts.bar_chart([Bar("Female", 12)], TEXT, standalone=True)
    text = json.dumps(spec)
    assert '"url"' not in text
    assert "http" not in text
    svg = charts.svg(spec, "en")
    assert re.findall(r"https?://[^\"' ]+", svg) == [
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    ]
    assert "Screenings by sex" in _texts(svg)  # a download carries its title


def test_a_downloaded_chart_explains_the_dash() -> None:
    spec = charts.bar_chart([Bar("Female", 12), Bar("Male", None)], TEXT, standalone=True)
    assert "– fewer than 5: not drawn" in _texts(charts.svg(spec, "en"))
    whole = charts.bar_chart([Bar("Female", 12)], TEXT, compare=False, standalone=True)
    assert "– fewer than 5: not drawn" not in _texts(charts.svg(whole, "en"))


def test_the_inline_chart_is_a_named_image_with_ids_of_its_own() -> None:
    spec = charts.time_chart([TimePoint(m, 10) for m in MONTHS], TEXT)
    inline = charts.inline_svg(spec, "en", label='Screenings "by" <month>', prefix="p1")
    assert inline.startswith('<svg role="img" aria-label="Screenings &quot;by&quot; &lt;month&gt;"')
    assert "style=" not in inline  # the page's CSP allows no inline style
    # Clipped marks get ids (clip1, …): two charts on one page must not share them.
    clipped: charts.Spec = {
        "data": {"values": [{"a": 1}]},
        "mark": {"type": "bar", "clip": True},
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }
    first = charts.inline_svg(clipped, "en", label="One", prefix="p1")
    second = charts.inline_svg(clipped, "en", label="Two", prefix="p2")
    assert re.findall(r'\bid="([^"]+)"', first) == ["p1-clip1"]
    assert re.findall(r'\bid="([^"]+)"', second) == ["p2-clip1"]
    assert "url(#p2-clip1)" in second


def test_png_is_a_png() -> None:
    spec = charts.bar_chart([Bar("Жінки", 12), Bar("Kobiety", None)], TEXT, standalone=True)
    assert charts.png(spec, "uk").startswith(b"\x89PNG\r\n\x1a\n")
