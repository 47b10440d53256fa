"""Charts drawn on the server: Vega-Lite specifications (Altair) rendered by vl-convert.

The dashboards show each chart as inline SVG and offer it as an SVG or PNG download. No
browser script, no network: the specification holds its data inline, vl-convert is
told that no URL may be fetched (`allowed_base_urls=[]`), and text is set in the
page's own font (DejaVu Sans, which has Polish and Cyrillic glyphs; the PNG is drawn
with the system's copy).

Every text of a chart (title, axis titles, category labels, legend) comes translated
from the caller; numbers and month names are formatted by Vega with the d3 locale of
the language (`LOCALES`), corrected where d3's data differs from common usage (Polish
thousands are separated by a space; Ukrainian and Russian month names standing alone
are in the nominative).

A figure that was suppressed (None) is never drawn as a bar or a point of zero: in a
bar chart its place holds a dash (`MISSING`); over time its line breaks, and a grey band
marks the place of a missing figure of the period shown. The caller says under the
chart what these mean (`ChartText.missing_note`; in a downloaded chart the note is its
subtitle).
"""

import datetime
import hashlib
import html
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import vl_convert

type Spec = dict[str, Any]

FONT = "DejaVu Sans"
CURRENT_COLOUR = "#0b5cad"
PREVIOUS_COLOUR = "#6b7785"
"""Both at least 3:1 against white (WCAG non-text contrast)."""
MISSING = "–"
BAR_WIDTH = 300
BAR_STEP = 11
TIME_WIDTH = 420
TIME_HEIGHT = 200
BAND_COLOUR = "#dfe3e8"

LOCALES: dict[str, str] = {"en": "en-GB", "pl": "pl-PL", "uk": "uk-UA", "ru": "ru-RU"}

_MONTHS_NOMINATIVE = {
    "pl": [
        "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec",
        "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień",
    ],
    "uk": [
        "січень", "лютий", "березень", "квітень", "травень", "червень",
        "липень", "серпень", "вересень", "жовтень", "листопад", "грудень",
    ],
    "ru": [
        "январь", "февраль", "март", "апрель", "май", "июнь",
        "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    ],
}  # fmt: skip
_SHORT_MONTHS = {
    "pl": ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"],
}


def language_of(language: str | None) -> str:
    code = (language or "en").split("-")[0].lower()
    return code if code in LOCALES else "en"


def format_locale(language: str) -> dict[str, Any]:
    name: Any = LOCALES[language_of(language)]
    locale: dict[str, Any] = dict(vl_convert.get_format_locale(name))
    if language_of(language) == "pl":
        locale["thousands"] = "\u00a0"
    return locale


def time_format_locale(language: str) -> dict[str, Any]:
    code = language_of(language)
    name: Any = LOCALES[code]
    locale: dict[str, Any] = dict(vl_convert.get_time_format_locale(name))
    if code in _MONTHS_NOMINATIVE:
        locale["months"] = _MONTHS_NOMINATIVE[code]
    if code in _SHORT_MONTHS:
        locale["shortMonths"] = _SHORT_MONTHS[code]
    return locale


@dataclass(frozen=True, slots=True)
class ChartText:
    """The translated words of one chart."""

    title: str
    value_axis: str
    current: str
    """The legend's name of the period shown."""
    previous: str
    """The legend's name of the period before (comparison)."""
    missing_note: str
    """What the dash means, e.g. "– fewer than 5: not drawn"."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One category of a bar chart: its label and figures (None: suppressed)."""

    label: str
    current: int | None
    previous: int | None = None


@dataclass(frozen=True, slots=True)
class TimePoint:
    """One period of a chart over time; `previous` is the figure of the period as many
    weeks or months earlier as the comparison period is long, drawn at the same place."""

    period: datetime.date
    current: int | None
    previous: int | None = None


def _data(values: list[dict[str, Any]] | list[dict[str, str]]) -> alt.Data:
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _config() -> Spec:
    return {
        "font": FONT,
        "aria": False,  # Vega's own descriptions are English: the page describes the chart.
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": "#1d2330"},
        "legend": {"labelFontSize": 11, "orient": "top", "title": None},
        "title": {"fontSize": 13, "subtitleFontSize": 11, "anchor": "start"},
    }


def _series_colour(text: ChartText, compare: bool) -> alt.Color:
    domain = [text.current, text.previous] if compare else [text.current]
    colours = [CURRENT_COLOUR, PREVIOUS_COLOUR] if compare else [CURRENT_COLOUR]
    return alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(title=None) if compare else None,
    )


def _finish(
    chart: alt.LayerChart | alt.FacetChart, text: ChartText, *, standalone: bool, missing: bool
) -> Spec:
    if standalone:
        title = alt.Title(text.title, subtitle=text.missing_note if missing else alt.Undefined)
        chart = chart.properties(title=title)
    spec: Spec = chart.to_dict()
    spec["config"] = {**spec.get("config", {}), **_config()}
    spec.pop("$schema", None)
    return spec


def bar_chart(
    bars: Sequence[Bar],
    text: ChartText,
    *,
    compare: bool = True,
    standalone: bool = False,
    always_note: bool = False,
) -> Spec:
    """Horizontal bars, one per category, the previous period's beside each when
    `compare`. `standalone` (downloads) adds the title and the note on missing figures
    (when a figure is missing, or `always_note`)."""
    rows: list[dict[str, Any]] = []
    for bar in bars:
        rows.append({"category": bar.label, "series": text.current, "value": bar.current})
        if compare:
            rows.append({"category": bar.label, "series": text.previous, "value": bar.previous})
    order = [bar.label for bar in bars]
    series = [text.current, text.previous] if compare else [text.current]
    base = alt.Chart(_data(rows))
    y = alt.Y(
        "category:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=180, domain=False, ticks=False),
        scale=alt.Scale(paddingInner=0.3, paddingOuter=0.15),
    )
    offset = alt.YOffset("series:N", sort=series) if compare else alt.Undefined
    colour = _series_colour(text, compare)
    drawn = (
        base.transform_filter("datum.value !== null")
        .mark_bar()
        .encode(
            y=y,
            yOffset=offset,
            x=alt.X(
                "value:Q",
                title=text.value_axis,
                axis=alt.Axis(format=",d", tickMinStep=1, grid=True),
                scale=alt.Scale(domainMin=0),
            ),
            color=colour,
        )
    )
    dashes = (
        base.transform_filter("datum.value === null")
        .mark_text(text=MISSING, align="left", dx=4, fontSize=12, fontWeight="bold")
        .encode(y=y, yOffset=offset, x=alt.datum(0), color=colour)
    )
    # With an offset the step is each series' bar; alone, a bar and some air.
    step = BAR_STEP if compare else BAR_STEP + 6
    chart = alt.layer(drawn, dashes).properties(width=BAR_WIDTH, height=alt.Step(step))
    missing = always_note or any(row["value"] is None for row in rows)
    return _finish(chart, text, standalone=standalone, missing=missing)


def time_chart(
    points: Sequence[TimePoint],
    text: ChartText,
    *,
    grain: Literal["month", "week"] = "month",
    compare: bool = True,
    standalone: bool = False,
) -> Spec:
    """Figures over time: a line with a point per period (the previous period's dashed).
    A missing figure is a break in its line, and a missing figure of the period shown
    also a grey band over its place: never a point at zero."""
    rows: list[dict[str, Any]] = []
    bands: list[dict[str, str]] = []
    half = datetime.timedelta(days=15, hours=12)
    if grain == "week":
        half = datetime.timedelta(days=3, hours=12)
    for point in points:
        day = point.period.isoformat()
        rows.append({"period": day, "series": text.current, "value": point.current})
        if compare:
            rows.append({"period": day, "series": text.previous, "value": point.previous})
        if point.current is None:
            middle = datetime.datetime.combine(point.period, datetime.time())
            bands.append(
                {
                    "start": (middle - half).isoformat() + "Z",
                    "end": (middle + half).isoformat() + "Z",
                }
            )
    unit: Literal["utcyearmonth", "utcyearmonthdate"] = (
        "utcyearmonth" if grain == "month" else "utcyearmonthdate"
    )
    label_format = "%b %Y" if grain == "month" else "%d %b"
    axis = alt.Axis(format=label_format, labelAngle=0, labelOverlap=True, grid=False)
    x = alt.X("period:T", timeUnit=unit, title=None, axis=axis)
    colour = _series_colour(text, compare)
    lines = (
        alt.Chart(_data(rows))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y(
                "value:Q",
                title=text.value_axis,
                axis=alt.Axis(format=",d", tickMinStep=1),
                scale=alt.Scale(domainMin=0),
            ),
            color=colour,
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[text.current, text.previous], range=[[1, 0], [5, 3]]),
                legend=None,
            ),
        )
    )
    layers: list[alt.Chart] = []
    if bands:
        layers.append(
            alt.Chart(_data(bands))
            .mark_rect(color=BAND_COLOUR)
            .encode(x=alt.X("start:T", title=None, axis=axis), x2="end:T")
        )
    layers.append(lines)
    chart = alt.layer(*layers).properties(width=TIME_WIDTH, height=TIME_HEIGHT)
    missing = any(row["value"] is None for row in rows)
    return _finish(chart, text, standalone=standalone, missing=missing)


# --- rendering ------------------------------------------------------------------------

_CACHE_SIZE = 512
_cache: OrderedDict[tuple[str, str, str], str | bytes] = OrderedDict()
_lock = threading.Lock()


def _key(spec: Spec, language: str, kind: str) -> tuple[str, str, str]:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return (digest, language_of(language), kind)


def _cached(key: tuple[str, str, str]) -> str | bytes | None:
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _store(key: tuple[str, str, str], value: str | bytes) -> None:
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def svg(spec: Spec, language: str) -> str:
    """The chart as an SVG document (the same specification renders once per process:
    figures are aggregates, so caching them keeps nothing about a person)."""
    key = _key(spec, language, "svg")
    found = _cached(key)
    if isinstance(found, str):
        return found
    rendered: str = vl_convert.vegalite_to_svg(
        spec,
        allowed_base_urls=[],
        format_locale=format_locale(language),
        time_format_locale=time_format_locale(language),
    )
    _store(key, rendered)
    return rendered


def png(spec: Spec, language: str, scale: float = 2.0) -> bytes:
    key = _key(spec, language, f"png{scale}")
    found = _cached(key)
    if isinstance(found, bytes):
        return found
    rendered: bytes = vl_convert.vegalite_to_png(
        spec,
        scale=scale,
        allowed_base_urls=[],
        format_locale=format_locale(language),
        time_format_locale=time_format_locale(language),
    )
    _store(key, rendered)
    return rendered


_ID = re.compile(r'\bid="([^"]+)"')
_ROLES = re.compile(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


def inline_svg(spec: Spec, language: str, *, label: str, prefix: str) -> str:
    """The chart for a page: one `<svg role="img">` named by `label` (the table beside
    it says what it shows), its ids made unique on the page with `prefix`, the XML
    prolog (if any) dropped."""
    document = svg(spec, language)
    document = document[document.index("<svg") :]
    # Vega marks its groups as unnamed graphics; inside one named image they are noise
    # (and axe asks each for a name).
    document = _ROLES.sub("", document)
    for found in set(_ID.findall(document)):
        document = document.replace(f'id="{found}"', f'id="{prefix}-{found}"')
        document = document.replace(f"url(#{found})", f"url(#{prefix}-{found})")
    attributes = f'<svg role="img" aria-label="{html.escape(label, quote=True)}" focusable="false"'
    return attributes + document[len("<svg") :]
