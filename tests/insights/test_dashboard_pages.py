"""The insights dashboards: who sees them, whose figures, the filters, the comparison with
the period before, and the safe downloads (SVG, PNG, CSV)."""

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.insights.dashboards import PANELS
from safepath.insights.models import StatisticsRelease
from safepath.insights.rollups.build import rebuild
from safepath.screening.models import Screening
from safepath.screening.services import Location, screening_create
from tests.conftest import Cast

DASHBOARD = "/en/app/insights/"
SITE_PANEL = "/en/app/insights/screenings-by-site-type/"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _screenings(
    actor: User,
    n: int,
    *,
    site_type: str = "border_crossing",
    voivodeship: str = "14",
    indicated: bool = False,
) -> list[Screening]:
    """`n` anonymous screenings by `actor` (no person: no personal data to count)."""
    return [
        screening_create(
            actor=actor,
            person=None,
            catalogue="AL",
            indicators=INDICATED if indicated else [],
            act=False,
            factors=[],
            needs=[],
            consent=None,
            location=Location(site_type=site_type, voivodeship=voivodeship),
        )
        for _ in range(n)
    ]


def _month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def _this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    for _ in range(months):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def _headline(response: Any, measure: str) -> tuple[int | None, int | None]:
    for headline in response.context["headlines"]:
        if headline.measure == measure:
            return headline.current, headline.previous
    raise AssertionError(measure)


def _row(response: Any, value: str) -> tuple[int | None, int | None]:
    for row in response.context["shown"].figures.rows:
        if row.value == value:
            return row.current, row.previous
    raise AssertionError(value)


def _nothing_released() -> bool:
    return (
        not StatisticsRelease.objects.exists()
        and not AuditEvent.objects.filter(action="statistics.released").exists()
    )


def _download(panel: str, fmt: str) -> str:
    return f"/en/app/insights/{panel}/download.{fmt}"


# --- access ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_and_nothing_is_released(client: Client, db: None) -> None:
    for url in (DASHBOARD, SITE_PANEL, _download("screenings-by-site-type", "csv")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/en/accounts/login/?next={url}"
    assert _nothing_released()


@pytest.mark.parametrize("role", ["caseworker_a", "caseworker_b", "partner", "hotline", "trainer"])
def test_roles_without_insights_get_404_and_nothing_is_released(
    cast: Cast, login: Any, role: str
) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    client = login(getattr(cast, role))
    urls = [DASHBOARD, SITE_PANEL]
    urls += [_download("screenings-by-site-type", fmt) for fmt in ("csv", "svg", "png")]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert _nothing_released()


@pytest.mark.parametrize("role", ["analyst", "supervisor_a", "admin"])
def test_each_role_with_insights_sees_every_chart(cast: Cast, login: Any, role: str) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    response = login(getattr(cast, role)).get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg role="img"') == len(PANELS)
    assert page.count("<table") == len(PANELS)
    for panel in PANELS:
        assert f'href="/en/app/insights/{panel.code}/' in page
        assert f'href="/en/app/insights/{panel.code}/download.csv' in page
    # Reading figures on screen is not a release.
    assert _nothing_released()


def test_an_analyst_sees_only_their_organisations_figures(cast: Cast, login: Any) -> None:
    _screenings(cast.caseworker_a, 7)
    _screenings(cast.caseworker_a, 6, indicated=True, site_type="reception_point")
    _screenings(cast.caseworker_b, 9)
    _screenings(cast.caseworker_b, 8, indicated=True)
    rebuild()

    analyst = login(cast.analyst)
    response = analyst.get(DASHBOARD)
    assert _headline(response, "screenings") == (13, None)  # none before: fewer than 5
    assert _headline(response, "possible_victims") == (6, None)
    panel = analyst.get(SITE_PANEL)
    assert _row(panel, "border_crossing") == (7, None)
    assert _row(panel, "reception_point") == (6, None)
    assert panel.context["shown"].figures.total == 13

    # A filter naming another organisation does not exist for an analyst: ignored.
    other = analyst.get(DASHBOARD, {"organisation": cast.org_b.code})
    assert other.status_code == 200
    assert _headline(other, "screenings") == (13, None)
    assert "organisation" not in other.context["form"].fields

    supervisor = login(cast.supervisor_a).get(DASHBOARD)
    assert _headline(supervisor, "screenings") == (13, None)


def test_an_administrator_sees_every_organisation_or_the_one_chosen(cast: Cast, login: Any) -> None:
    _screenings(cast.caseworker_a, 7)
    _screenings(cast.caseworker_b, 9)
    rebuild()
    admin = login(cast.admin)
    assert _headline(admin.get(DASHBOARD), "screenings") == (16, None)
    chosen = admin.get(DASHBOARD, {"organisation": cast.org_b.code})
    assert _headline(chosen, "screenings") == (9, None)
    assert 'name="organisation"' in chosen.content.decode()


def test_an_administrators_screen_is_stratified_so_filters_reveal_no_small_group(
    cast: Cast, login: Any
) -> None:
    # 6 screenings in Mazowieckie and 3 in Lubelskie. Without strata, 9 and the
    # Mazowieckie filter's 6 would give away the 3: administrators do not read the
    # records, so their screen withholds every figure a voivodeship takes under 5.
    _screenings(cast.caseworker_a, 6, voivodeship="14")
    _screenings(cast.caseworker_a, 3, voivodeship="06")
    rebuild()
    admin = login(cast.admin)
    everywhere = admin.get(SITE_PANEL)
    assert _row(everywhere, "border_crossing") == (None, None)
    assert _headline(admin.get(DASHBOARD), "screenings") == (None, None)
    assert _row(admin.get(SITE_PANEL, {"voivodeship": "14"}), "border_crossing") == (6, None)
    assert "voivodeship or population adds to it at least one person" in everywhere.content.decode()
    # The analyst may read these records one by one: no strata on their screen.
    analyst = login(cast.analyst)
    assert _row(analyst.get(SITE_PANEL), "border_crossing") == (9, None)
    assert _headline(analyst.get(DASHBOARD), "screenings") == (9, None)
    assert "voivodeship or population adds to it at least one person" not in (
        analyst.get(SITE_PANEL).content.decode()
    )
    assert _nothing_released()


def test_an_administrators_screen_lists_no_value_only_a_small_group_has(
    cast: Cast, login: Any
) -> None:
    # One screening with indicators in Lubelskie: a row "AL-DR-01" with a dash appearing under
    # some filter would tell the administrator that someone there has it.
    _screenings(cast.caseworker_a, 6, voivodeship="14")
    _screenings(cast.caseworker_a, 1, voivodeship="06", indicated=True)
    rebuild()
    indicators = "/en/app/insights/screenings-by-indicator/"

    def values(response: Any) -> set[str]:
        return {row.value for row in response.context["shown"].figures.rows}

    admin = login(cast.admin)
    for query in ({}, {"voivodeship": "06"}, {"voivodeship": "14"}):
        shown = values(admin.get(indicators, query))
        assert "AL-DR-01" not in shown
    assert "unknown" in values(admin.get(indicators))  # the 6 without indicators
    analyst = login(cast.analyst)  # who may read the records: the row is there, withheld
    assert _row(analyst.get(indicators), "AL-DR-01") == (None, None)


def test_an_administrators_screen_is_stratified_by_month_too(cast: Cast, login: Any) -> None:
    last_month = _months_before(_this_month(), 1)
    earlier = _screenings(cast.caseworker_a, 3)
    _screenings(cast.caseworker_a, 6)
    noon = datetime.datetime.combine(
        last_month + datetime.timedelta(days=14), datetime.time(12), tzinfo=datetime.UTC
    )
    Screening.objects.filter(pk__in=[s.pk for s in earlier]).update(created_at=noon)
    rebuild()
    both = {"from_month": _month(last_month), "to_month": _month(_this_month())}
    # 9 in the two months, 3 of them in one month: withheld for the administrator.
    assert _headline(login(cast.admin).get(DASHBOARD, both), "screenings") == (None, None)
    assert _headline(login(cast.analyst).get(DASHBOARD, both), "screenings") == (9, None)


def test_an_unknown_panel_or_format_is_404(cast: Cast, login: Any) -> None:
    client = login(cast.analyst)
    assert client.get("/en/app/insights/screenings-by-name/").status_code == 404
    assert client.get(_download("screenings-by-name", "csv")).status_code == 404
    assert client.get(_download("screenings-by-sex", "xlsx")).status_code == 404
    assert _nothing_released()


# --- filters --------------------------------------------------------------------------

BAD_FILTERS: list[tuple[dict[str, str], str, str]] = [
    ({"from_month": "2025-13"}, "from_month", "There is no month 13."),
    ({"from_month": "March"}, "from_month", "Enter a month as year and month"),
    ({"to_month": "1999-12"}, "to_month", "Choose a month from 2000 on."),
    ({"voivodeship": "99"}, "voivodeship", "Select a valid choice."),
    ({"population": "elderly"}, "population", "Select a valid choice."),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD_FILTERS)
def test_bad_filters_answer_400_with_the_form_and_nothing_else(
    cast: Cast, login: Any, params: dict[str, str], field: str, message: str
) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    client = login(cast.analyst)
    for url in (DASHBOARD, SITE_PANEL, _download("screenings-by-site-type", "csv")):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert message in page
        assert field in response.context["form"].errors
        assert "<svg" not in page
        assert "<table" not in page
    assert _nothing_released()


def test_bad_periods_are_refused_with_a_clear_reason(cast: Cast, login: Any) -> None:
    client = login(cast.analyst)
    now = _this_month()
    cases = [
        ({"to_month": _month(now + datetime.timedelta(days=32))}, "Choose a month that has begun."),
        (
            {"from_month": _month(now), "to_month": _month(_months_before(now, 1))},
            "The first month must not come after the last.",
        ),
        (
            {"from_month": _month(_months_before(now, 36)), "to_month": _month(now)},
            "Choose at most 36 months.",
        ),
    ]
    for params, message in cases:
        response = client.get(DASHBOARD, params)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert _nothing_released()


def test_an_unknown_organisation_is_refused_for_an_administrator(cast: Cast, login: Any) -> None:
    response = login(cast.admin).get(DASHBOARD, {"organisation": "NOPE"})
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert _nothing_released()


def test_voivodeship_population_and_period_filters_narrow_the_figures(
    cast: Cast, login: Any
) -> None:
    _screenings(cast.caseworker_a, 7, voivodeship="14")
    _screenings(cast.caseworker_a, 5, voivodeship="06")
    rebuild()
    client = login(cast.analyst)
    assert _headline(client.get(DASHBOARD, {"voivodeship": "06"}), "screenings") == (5, None)
    assert _headline(client.get(DASHBOARD, {"population": "adult"}), "screenings") == (12, None)
    assert _headline(client.get(DASHBOARD, {"population": "child"}), "screenings") == (None, None)
    last_year = _months_before(_this_month(), 12)
    earlier = client.get(
        DASHBOARD, {"from_month": _month(last_year), "to_month": _month(last_year)}
    )
    assert _headline(earlier, "screenings") == (None, None)


def test_the_previous_period_is_compared(cast: Cast, login: Any) -> None:
    old = _screenings(cast.caseworker_a, 5)
    _screenings(cast.caseworker_a, 8)
    back = timezone.now() - datetime.timedelta(days=400)  # in the 12 months before
    Screening.objects.filter(pk__in=[s.pk for s in old]).update(created_at=back)
    rebuild()
    response = login(cast.analyst).get(DASHBOARD)
    assert _headline(response, "screenings") == (8, 5)
    page = response.content.decode()
    assert "+3 (+60%)" in page


def test_the_presets_keep_the_other_filters(cast: Cast, login: Any) -> None:
    response = login(cast.analyst).get(DASHBOARD, {"voivodeship": "06"})
    now = _this_month()
    start = _month(_months_before(now, 2))
    expected = f"?voivodeship=06&amp;from_month={start}&amp;to_month={_month(now)}"
    assert expected in response.content.decode()


def test_the_dashboard_reads_one_query_per_panel_and_period(
    cast: Cast, login: Any, django_assert_max_num_queries: Any
) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    client = login(cast.analyst)
    client.get(DASHBOARD)  # the catalogue registry's first look
    # 5 headline totals and every panel, each this period and the one before, plus the
    # session, the user and the catalogue registry's check.
    with django_assert_max_num_queries(2 * 5 + 2 * len(PANELS) + 4):
        assert client.get(DASHBOARD).status_code == 200


# --- what the screen shows ------------------------------------------------------------


def test_a_small_figure_shows_as_a_dash_with_the_minimum(cast: Cast, login: Any) -> None:
    _screenings(cast.caseworker_a, 6)
    _screenings(cast.caseworker_a, 3, site_type="reception_point")
    # A second small cell: the hidden ones then hold 5 together, and the 6 can stay
    # (safe_stats rule 6: the month's total may be known from the panel by month).
    _screenings(cast.caseworker_a, 2, site_type="transit_point")
    rebuild()
    response = login(cast.analyst).get(SITE_PANEL)
    assert _row(response, "border_crossing") == (6, None)
    assert _row(response, "reception_point") == (None, None)
    assert _row(response, "transit_point") == (None, None)
    assert response.context["shown"].figures.total is None  # it would reveal the 3
    page = response.content.decode()
    assert re.search(r"Reception point</th>\s*<td><span class=\"suppressed\"", page)
    assert "fewer than 5" in page
    assert "– fewer than 5: not drawn." in page


@pytest.mark.parametrize("language", ["pl", "uk", "ru"])
def test_the_dashboard_speaks_each_language(cast: Cast, login: Any, language: str) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    response = login(cast.analyst).get(f"/{language}/app/insights/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


# --- downloads ------------------------------------------------------------------------


def _csv_rows(content: bytes) -> tuple[str, list[list[str]]]:
    text = content.decode("utf-8")
    first, rest = text.split("\n", 1)
    return first, list(csv.reader(io.StringIO(rest)))


def test_the_csv_download_passes_the_partner_thresholds_and_is_logged(
    cast: Cast, login: Any
) -> None:
    _screenings(cast.caseworker_a, 6)
    _screenings(cast.caseworker_a, 3, site_type="reception_point")
    _screenings(cast.caseworker_a, 2, site_type="transit_point")  # hidden: 3 + 2 >= 5
    _screenings(cast.caseworker_b, 9, site_type="reception_point")  # not the analyst's
    rebuild()
    response = login(cast.analyst).get(_download("screenings-by-site-type", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    now = _this_month()
    name = f"safepath-screenings-by-site-type-{_month(_months_before(now, 11))}-{_month(now)}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in response["Cache-Control"]
    comment, rows = _csv_rows(response.content)
    assert "audience partner" in comment
    assert "counts under 5 suppressed" in comment
    assert rows[0] == ["site_type", "count"]
    figures = dict((row[0], row[1]) for row in rows[1:])
    assert figures["border_crossing"] == "6"
    assert figures["reception_point"] == "suppressed"
    assert figures["transit_point"] == "suppressed"
    assert figures["outreach"] == "suppressed"  # every type listed, none included
    assert figures["Total"] == "suppressed"
    release = StatisticsRelease.objects.get()
    assert release.audience == "partner"
    assert release.minimum == 5
    assert release.actor_id == cast.analyst.pk
    assert release.dimensions == ["site_type"]
    assert release.strata == ["month", "voivodeship", "population"]
    assert str(release.public_id) in comment
    assert (
        AuditEvent.objects.filter(action="statistics.released", actor_id=cast.analyst.pk).count()
        == 1
    )


def test_downloads_ignore_the_organisation_filter(cast: Cast, login: Any) -> None:
    _screenings(cast.caseworker_a, 6)
    _screenings(cast.caseworker_b, 7)
    rebuild()
    response = login(cast.admin).get(
        _download("screenings-by-site-type", "csv"), {"organisation": cast.org_a.code}
    )
    _comment, rows = _csv_rows(response.content)
    assert dict((row[0], row[1]) for row in rows[1:])["border_crossing"] == "13"
    assert "organisation" not in response["Content-Disposition"]


def test_svg_and_png_downloads_are_drawn_from_the_released_table(cast: Cast, login: Any) -> None:
    _screenings(cast.caseworker_a, 6)
    _screenings(cast.caseworker_a, 3, site_type="reception_point")
    rebuild()
    client = login(cast.analyst)
    svg = client.get(_download("screenings-by-site-type", "svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"].startswith(
        'attachment; filename="safepath-screenings-by-site-type-'
    )
    assert svg["Content-Disposition"].endswith('.svg"')
    body = svg.content.decode()
    assert body.startswith("<svg")
    assert "Screenings by type of site" in body
    assert "fewer than 5: not drawn" in body
    png = client.get(_download("screenings-by-month", "png"))
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(PNG_MAGIC)
    assert png["Content-Disposition"].endswith('.png"')
    assert StatisticsRelease.objects.filter(audience="partner").count() == 2


def test_download_filenames_hold_only_the_panel_and_the_period(cast: Cast, login: Any) -> None:
    client = login(cast.analyst)
    response = client.get(
        _download("screenings-by-nationality", "csv"),
        {"from_month": "2025-01", "to_month": "2025-06", "voivodeship": "06"},
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="safepath-screenings-by-nationality-2025-01-2025-06.csv"'
    )
