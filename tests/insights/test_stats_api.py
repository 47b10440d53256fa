"""The stats API (`/api/v1/stats/...`): who may call it, whose figures, the partner
thresholds, the release log, differencing between calls, and bad input."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.core.geography import VOIVODESHIP_CODES
from safepath.insights.models import StatisticsRelease
from safepath.insights.rollups import queries
from safepath.insights.rollups.build import period_end, rebuild
from safepath.insights.rollups.queries import Filters
from safepath.screening.models import Screening
from safepath.screening.services import Location, screening_create
from tests.conftest import Cast

MEASURES_URL = "/api/v1/stats/measures"
SITES_URL = "/api/v1/stats/screenings/site_type"
PROBLEM = "application/problem+json"


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _screenings(
    actor: User,
    n: int,
    *,
    site_type: str = "border_crossing",
    voivodeship: str = "14",
    catalogue: str = "AL",
) -> list[Screening]:
    """`n` anonymous screenings (no person: no personal data to count). The AL
    catalogue screens adults, CL children."""
    return [
        screening_create(
            actor=actor,
            person=None,
            catalogue=catalogue,
            indicators=[],
            act=False,
            factors=[],
            needs=[],
            consent=None,
            location=Location(site_type=site_type, voivodeship=voivodeship),
        )
        for _ in range(n)
    ]


def _this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _month_before(day: datetime.date, months: int = 1) -> datetime.date:
    for _ in range(months):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def _nothing_released() -> bool:
    return (
        not StatisticsRelease.objects.exists()
        and not AuditEvent.objects.filter(action="statistics.released").exists()
    )


def _cells(body: dict[str, Any]) -> dict[str, int | None]:
    return {cell["value"]: cell["count"] for cell in body["cells"]}


def _figures(body: dict[str, Any]) -> dict[str, int | None]:
    """Every figure of a released table, cells and total."""
    figures = _cells(body)
    if body["total"] is not None:
        figures["(total)"] = body["total"]["count"]
    return figures


# --- access ---------------------------------------------------------------------------


def test_anonymous_gets_401_and_nothing_is_released(client: Client, cast: Cast) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    for url in (MEASURES_URL, SITES_URL):
        response = client.get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM
    assert _nothing_released()


@pytest.mark.parametrize("role", ["caseworker_a", "caseworker_b", "partner", "hotline", "trainer"])
def test_roles_without_insights_get_404_and_nothing_is_released(
    client: Client, cast: Cast, role: str
) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    headers = _headers(getattr(cast, role))
    for url in (MEASURES_URL, SITES_URL, "/api/v1/stats/screenings/month"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response["Content-Type"] == PROBLEM
        assert response.json()["title"] == "Not found"
    assert _nothing_released()


@pytest.mark.parametrize("role", ["analyst", "supervisor_a", "admin"])
def test_roles_with_insights_read_the_measures(client: Client, cast: Cast, role: str) -> None:
    response = client.get(MEASURES_URL, headers=_headers(getattr(cast, role)))
    assert response.status_code == 200
    body = response.json()
    measures = {m["code"]: m["dimensions"] for m in body["measures"]}
    assert list(measures) == ["screenings", "possible_victims", "cases", "assistance", "referrals"]
    assert measures["screenings"] == [
        "month",
        "week",
        "voivodeship",
        "population",
        "sex",
        "age_band",
        "disability",
        "nationality",
        "site_type",
        "indicator",
    ]
    assert "exploitation_type" in measures["cases"]
    assert "referral_status" in measures["referrals"]
    assert body["voivodeships"] == list(VOIVODESHIP_CODES)
    assert body["populations"] == ["adult", "child"]
    assert _nothing_released()  # codes only: not a release


# --- the figures ------------------------------------------------------------------------


def test_an_analyst_gets_their_organisations_released_table(client: Client, cast: Cast) -> None:
    _screenings(cast.caseworker_a, 7)
    _screenings(cast.caseworker_a, 3, site_type="reception_point")
    # With the 3, two hidden cells adding up to 5: rule 6 leaves the 7 published.
    _screenings(cast.caseworker_a, 2, site_type="transit_point")
    _screenings(cast.caseworker_b, 9, site_type="reception_point")  # another organisation
    rebuild()
    response = client.get(SITES_URL, headers=_headers(cast.analyst))
    assert response.status_code == 200
    body = response.json()

    now = _this_month()
    expected = queries.breakdown(
        "screenings",
        "site_type",
        Filters(
            start=_month_before(now, 11),
            end=period_end("M", now),
            organisation_ids=(cast.org_a.pk,),
        ),
    )
    assert expected == {"border_crossing": 7, "reception_point": 3, "transit_point": 2}
    cells = _cells(body)
    assert cells["border_crossing"] == expected["border_crossing"] == 7
    assert cells["reception_point"] is None  # 3 people: suppressed, not org B's 9 either
    assert cells["transit_point"] is None  # 2 people
    assert cells["outreach"] is None  # every type is listed, none counted
    assert list(cells) == [
        "border_crossing",
        "reception_point",
        "collective_shelter",
        "transit_point",
        "info_line",
        "outreach",
        "other",
        "unknown",
    ]
    suppressed = {cell["value"]: cell["suppressed"] for cell in body["cells"]}
    assert suppressed["border_crossing"] is False
    assert suppressed["reception_point"] is True
    assert suppressed["transit_point"] is True
    assert body["total"] == {"count": None, "suppressed": True}  # it would reveal 3 + 2
    assert body["thresholds"] == {"minimum": 5, "rounding": 1}
    assert body["audience"] == "partner"
    assert (body["measure"], body["dimension"], body["multi_valued"]) == (
        "screenings",
        "site_type",
        False,
    )
    assert body["period"] == {"start": f"{_month_before(now, 11):%Y-%m}", "end": f"{now:%Y-%m}"}
    assert (body["voivodeship"], body["population"]) == (None, None)
    assert body["strata"] == ["month", "voivodeship", "population"]

    release = StatisticsRelease.objects.get()
    assert body["release"] == str(release.public_id)
    assert (release.audience, release.minimum, release.rounding) == ("partner", 5, 1)
    assert release.actor_id == cast.analyst.pk
    assert release.dimensions == ["site_type"]
    assert release.strata == ["month", "voivodeship", "population"]
    assert (
        release.name == f"api screenings by site_type {_month_before(now, 11):%Y-%m}..{now:%Y-%m}"
    )
    assert (
        AuditEvent.objects.filter(
            action="statistics.released", actor_id=cast.analyst.pk, object_id=body["release"]
        ).count()
        == 1
    )

    # Each call is a release of its own.
    again = client.get(SITES_URL, headers=_headers(cast.analyst)).json()
    assert again["release"] != body["release"]
    assert StatisticsRelease.objects.count() == 2


def test_a_total_is_published_when_no_cell_is_hidden(client: Client, cast: Cast) -> None:
    _screenings(cast.caseworker_a, 7)
    _screenings(cast.caseworker_a, 6, voivodeship="06")
    rebuild()
    body = client.get("/api/v1/stats/screenings/voivodeship", headers=_headers(cast.analyst)).json()
    cells = _cells(body)
    assert (cells["14"], cells["06"], cells["02"], cells["unknown"]) == (7, 6, None, None)
    assert len(cells) == len(VOIVODESHIP_CODES) + 1
    # Empty voivodeships are suppressed cells, so the total is withheld.
    assert body["total"] == {"count": None, "suppressed": True}
    assert body["strata"] == ["month", "population"]

    by_population = client.get(
        "/api/v1/stats/screenings/population", headers=_headers(cast.analyst)
    ).json()
    assert _cells(by_population) == {"adult": 13, "child": None, "unknown": None}


def test_supervisors_see_their_organisation_and_administrators_all(
    client: Client, cast: Cast
) -> None:
    _screenings(cast.caseworker_a, 7)
    _screenings(cast.caseworker_b, 9)
    rebuild()
    supervisor = client.get(SITES_URL, headers=_headers(cast.supervisor_a)).json()
    assert _cells(supervisor)["border_crossing"] == 7
    admin = client.get(SITES_URL, headers=_headers(cast.admin)).json()
    assert _cells(admin)["border_crossing"] == 16
    # No organisation filter exists: a parameter naming one is ignored.
    chosen = client.get(
        SITES_URL, {"organisation": cast.org_b.code}, headers=_headers(cast.admin)
    ).json()
    assert _cells(chosen)["border_crossing"] == 16


def test_the_period_filter_counts_whole_months(client: Client, cast: Cast) -> None:
    old = _screenings(cast.caseworker_a, 5)
    _screenings(cast.caseworker_a, 8)
    back = timezone.now() - datetime.timedelta(days=400)
    Screening.objects.filter(pk__in=[s.pk for s in old]).update(created_at=back)
    rebuild()
    month = f"{timezone.localtime(back):%Y-%m}"
    headers = _headers(cast.analyst)
    then = client.get(SITES_URL, {"from": month, "to": month}, headers=headers).json()
    assert _cells(then)["border_crossing"] == 5
    assert then["period"] == {"start": month, "end": month}
    default = client.get(SITES_URL, headers=headers).json()
    assert _cells(default)["border_crossing"] == 8

    by_month = client.get("/api/v1/stats/screenings/month", {"from": month}, headers=headers).json()
    cells = _cells(by_month)
    assert cells[f"{month}-01"] == 5
    assert cells[f"{_this_month():%Y-%m-%d}"] == 8
    # Every month of the period, from the month 400 days back to this one (14 or 15
    # months, by the day of the month).
    first, last = timezone.localtime(back).date(), _this_month()
    assert len(cells) == (last.year - first.year) * 12 + last.month - first.month + 1
    assert by_month["strata"] == ["voivodeship", "population"]


def test_a_many_valued_dimension_has_no_total(client: Client, cast: Cast) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    body = client.get("/api/v1/stats/screenings/indicator", headers=_headers(cast.analyst)).json()
    assert body["multi_valued"] is True
    assert body["total"] is None
    assert _cells(body)["unknown"] == 6  # no indicator observed
    assert StatisticsRelease.objects.get().cells_published == 1


# --- differencing -----------------------------------------------------------------------


def _differencing_population(cast: Cast) -> None:
    """Two adults screened at a border crossing in Lubelskie (06) and two children in
    Mazowieckie (14): naive tables filtered by voivodeship or population would differ
    from the unfiltered one by 2 at `border_crossing`. Two adults at a transit point in
    14 are a second hidden cell in every table but the children's, so the hidden cells
    add up to at least the minimum over two cells (rule 6) and the other cells stay
    published, to be compared."""
    _screenings(cast.caseworker_a, 6, voivodeship="14")
    _screenings(cast.caseworker_a, 2, voivodeship="06")
    _screenings(cast.caseworker_a, 2, voivodeship="14", catalogue="CL")
    _screenings(cast.caseworker_a, 5, site_type="reception_point", voivodeship="14")
    _screenings(cast.caseworker_a, 5, site_type="outreach", voivodeship="14")
    _screenings(cast.caseworker_a, 5, site_type="outreach", voivodeship="06")
    _screenings(cast.caseworker_a, 2, site_type="transit_point", voivodeship="14")
    rebuild()


@pytest.mark.parametrize(
    ("params", "naive_filters"),
    [
        ({"voivodeship": "14"}, {"voivodeship": "14"}),
        ({"population": "adult"}, {"population": "adult"}),
        ({"population": "child"}, {"population": "child"}),
    ],
)
def test_two_calls_differing_by_one_filter_never_reveal_a_small_group(
    client: Client, cast: Cast, params: dict[str, str], naive_filters: dict[str, str]
) -> None:
    _differencing_population(cast)
    now = _this_month()
    start, end = _month_before(now, 11), period_end("M", now)
    naive_all = queries.breakdown("screenings", "site_type", Filters(start, end))
    naive_one = queries.breakdown(
        "screenings",
        "site_type",
        Filters(
            start,
            end,
            voivodeship=naive_filters.get("voivodeship", "*"),
            population=naive_filters.get("population", "*"),
        ),
    )
    # The population is such that naive tables would give a group of 2 away at the
    # border crossing: in the difference of the two, or (children) in the filtered
    # table itself.
    crossing_all, crossing_one = naive_all["border_crossing"], naive_one["border_crossing"]
    assert 0 < crossing_all - crossing_one < 5 or 0 < crossing_one < 5

    headers = _headers(cast.analyst)
    everyone = _figures(client.get(SITES_URL, headers=headers).json())
    filtered_body = client.get(SITES_URL, params, headers=headers).json()
    assert filtered_body["voivodeship"] == params.get("voivodeship")
    assert filtered_body["population"] == params.get("population")
    filtered = _figures(filtered_body)
    both = [v for v in everyone if everyone[v] is not None and filtered.get(v) is not None]
    differences = {v: everyone[v] - filtered[v] for v in both}  # type: ignore[operator]
    assert all(d == 0 or d >= 5 for d in differences.values()), differences
    assert everyone["border_crossing"] is None  # 2 + 2 of the 10 are small strata
    assert everyone["outreach"] == 10
    assert everyone["reception_point"] == 5
    if params.get("population") == "child":
        assert both == []  # 2 children: nothing to publish
    else:
        assert both  # the test compares something
        assert differences.get("reception_point") == 0
    assert StatisticsRelease.objects.count() == 2


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/stats/names/site_type", {}),
        ("/api/v1/stats/screenings/name", {}),
        ("/api/v1/stats/screenings/exploitation_type", {}),  # a dimension of cases only
        ("/api/v1/stats/screenings/organisation", {}),
        ("/api/v1/stats/screenings/site_type/more", {}),
    ],
)
def test_an_unknown_measure_or_dimension_is_404_and_nothing_is_released(
    client: Client, cast: Cast, url: str, params: dict[str, str]
) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    response = client.get(url, params, headers=_headers(cast.analyst))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert _nothing_released()


BAD_PARAMETERS: list[tuple[dict[str, str], str]] = [
    ({"from": "2025-13"}, "from"),
    ({"from": "March"}, "from"),
    ({"to": "1999-12"}, "to"),
    ({"to": "2025-1"}, "to"),
    ({"from": "2025-06", "to": "2025-05"}, "to"),
    ({"from": "2010-01", "to": "2025-01"}, "from"),
    ({"voivodeship": "99"}, "voivodeship"),
    ({"voivodeship": "Lubelskie"}, "voivodeship"),
    ({"population": "elderly"}, "population"),
    ({"population": ""}, "population"),
]


@pytest.mark.parametrize(("params", "field"), BAD_PARAMETERS)
def test_bad_parameters_answer_422_naming_the_field_and_release_nothing(
    client: Client, cast: Cast, params: dict[str, str], field: str
) -> None:
    _screenings(cast.caseworker_a, 6)
    rebuild()
    response = client.get(SITES_URL, params, headers=_headers(cast.analyst))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    # The bad value is never echoed back.
    for value in params.values():
        if value:
            assert value not in response.content.decode()
    assert _nothing_released()
