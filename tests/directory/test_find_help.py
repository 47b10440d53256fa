"""The public "find help" search (issue 5 §3): filters, open now, what a result shows,
bad input, paging, page weight, and that nothing about the visitor is stored."""

import logging
import re
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.directory import hours
from safepath.directory.hours import WARSAW, Rule, hours_in_words, is_open
from safepath.directory.models import MetadataChange, Service
from safepath.directory.search import normalise
from safepath.directory.taxonomies import ensure_taxonomies
from tests.conftest import Cast
from tests.directory.find_help_data import (
    Directory,
    demo_like_directory,
    four,
    make_service,
    small_directory,
)

type LoginAs = Callable[[User], Client]

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = frozenset({MON, TUE, WED, THU, FRI})
# 2025-05-12 is a Monday.
WED_10 = datetime(2025, 5, 14, 10, 0, tzinfo=WARSAW)
THU_01 = datetime(2025, 5, 15, 1, 0, tzinfo=WARSAW)
SAT_12 = datetime(2025, 5, 17, 12, 0, tzinfo=WARSAW)


def _url(language: str = "en", /, **params: str) -> str:
    with translation.override(language):
        base = reverse("public:find_help")
    return f"{base}?{urlencode(params)}" if params else base


@pytest.fixture
def directory(db: None) -> Directory:
    return small_directory()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(hours, "current_time", lambda: moment)

    set_to(WED_10)
    return set_to


def _names(client: Client, language: str = "en", /, **params: str) -> list[str]:
    response = client.get(_url(language, **params))
    assert response.status_code == 200
    return re.findall(r'<h3 id="service-[^"]+">(.*?)</h3>', response.content.decode())


# --- opening hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "moment", "expected"),
    [
        (Rule(WEEKDAYS, time(9), time(17)), WED_10, True),
        (Rule(WEEKDAYS, time(9), time(17)), datetime(2025, 5, 14, 17, 0, tzinfo=WARSAW), False),
        (Rule(WEEKDAYS, time(9), time(17)), datetime(2025, 5, 14, 8, 59, tzinfo=WARSAW), False),
        (Rule(WEEKDAYS, time(9), time(17)), SAT_12, False),
        # Europe/Warsaw time whatever the zone of the moment: 08:30 UTC is 10:30 in May.
        (
            Rule(WEEKDAYS, time(10), time(11)),
            datetime.fromisoformat("2025-05-14T08:30+00:00"),
            True,
        ),
        (
            Rule(WEEKDAYS, time(10), time(11)),
            datetime.fromisoformat("2025-01-15T08:30+00:00"),
            False,
        ),
        # 24 hours: 00:00-00:00 and 00:00-23:59 (the last minute still counts).
        (Rule(frozenset(range(7)), time(0), time(0)), SAT_12, True),
        (
            Rule(frozenset({SAT}), time(0), time(23, 59)),
            datetime(2025, 5, 17, 23, 59, 30, tzinfo=WARSAW),
            True,
        ),
        (
            Rule(frozenset({SAT}), time(0), time(23, 59)),
            datetime(2025, 5, 18, 0, 0, 30, tzinfo=WARSAW),
            False,
        ),
        # Crossing midnight: Wednesday 18:00 to Thursday 02:00.
        (
            Rule(frozenset({WED}), time(18), time(2)),
            datetime(2025, 5, 14, 23, 0, tzinfo=WARSAW),
            True,
        ),
        (Rule(frozenset({WED}), time(18), time(2)), THU_01, True),
        (
            Rule(frozenset({WED}), time(18), time(2)),
            datetime(2025, 5, 15, 2, 0, tzinfo=WARSAW),
            False,
        ),
        (
            Rule(frozenset({WED}), time(18), time(2)),
            datetime(2025, 5, 14, 1, 0, tzinfo=WARSAW),
            False,
        ),
        (
            Rule(frozenset({SUN}), time(22), time(6)),
            datetime(2025, 5, 12, 5, 0, tzinfo=WARSAW),
            True,
        ),
        # Validity bounds; rules without times or not weekly are never "open now".
        (Rule(WEEKDAYS, time(9), time(17), valid_to=datetime(2025, 5, 13).date()), WED_10, False),
        (Rule(WEEKDAYS, time(9), time(17), valid_from=datetime(2025, 5, 15).date()), WED_10, False),
        (Rule(WEEKDAYS, None, None), WED_10, False),
        (Rule(WEEKDAYS, time(9), time(17), weekly=False), WED_10, False),
    ],
)
def test_open_now_follows_the_weekly_rules_in_warsaw_time(
    rule: Rule, moment: datetime, expected: bool
) -> None:
    assert is_open([rule], moment) is expected


@pytest.mark.parametrize(
    ("language", "rules", "expected"),
    [
        ("en", [Rule(WEEKDAYS, time(9), time(17))], ["Mon–Fri 09:00–17:00"]),
        ("pl", [Rule(WEEKDAYS, time(9), time(17))], ["Pon–Pt 09:00–17:00"]),
        ("uk", [Rule(WEEKDAYS, time(9), time(17))], ["Пн–Пт 09:00–17:00"]),
        ("en", [Rule(frozenset(range(7)), time(0), time(23, 59))], ["Open 24 hours"]),
        ("en", [Rule(frozenset(range(7)), time(8), time(20))], ["Every day 08:00–20:00"]),
        (
            "en",
            [
                Rule(frozenset({SAT, SUN}), time(10), time(14)),
                Rule(frozenset({MON, WED}), time(18), time(2)),
                Rule(frozenset({TUE}), time(18), time(2)),
            ],
            ["Mon–Wed 18:00–02:00", "Sat, Sun 10:00–14:00"],
        ),
        ("en", [Rule(frozenset({FRI, SAT}), time(0), time(0))], ["Fri, Sat: open 24 hours"]),
        ("en", [Rule(WEEKDAYS, None, None)], []),
    ],
)
def test_hours_are_said_in_words_in_the_readers_language(
    language: str, rules: list[Rule], expected: list[str]
) -> None:
    with translation.override(language):
        assert hours_in_words(rules) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Kraków ", "krakow"),
        ("ŁÓDŹ", "lodz"),
        ("Bielsko-Biała", "bielsko biala"),
        ("Київ", "київ"),
    ],
)
def test_city_names_compare_without_case_or_diacritics(text: str, expected: str) -> None:
    assert normalise(text) == expected


# --- the page -----------------------------------------------------------------------------


def test_the_empty_search_shows_the_form_and_no_results(
    client: Client, directory: Directory, clock: object
) -> None:
    response = client.get(_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'method="get"' in body
    assert 'role="search"' in body
    assert 'id="results-heading"' not in body
    assert 'href="tel:+48224902044"' in body  # the info line, from the layout
    assert 'href="tel:112"' in body
    assert 'id="quick-exit"' in body
    assert '<option value="Kraków">' in body  # suggestions of cities, not of anything typed
    assert "Old Shelter" not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"voivodeship": ""},
            ["Drop-in Rzeszów", "Help Line", "Poradnia Prawna Lublin", "Safe House Kraków"],
        ),
        # The place asked for first, then the services of the whole country.
        ({"voivodeship": "12"}, ["Safe House Kraków", "Help Line"]),
        ({"voivodeship": "06"}, ["Poradnia Prawna Lublin", "Help Line"]),
        ({"voivodeship": "02"}, ["Help Line"]),
        ({"city": "krakow"}, ["Safe House Kraków", "Help Line"]),
        ({"city": "Краків"}, ["Safe House Kraków", "Help Line"]),
        ({"city": "LUBL"}, ["Poradnia Prawna Lublin", "Help Line"]),
        ({"city": "Gdańsk"}, ["Help Line"]),
        ({"voivodeship": "12", "city": "Lublin"}, ["Help Line"]),
        ({"service_type": "legal_aid"}, ["Poradnia Prawna Lublin"]),
        ({"service_type": "shelter"}, ["Safe House Kraków"]),
        ({"group": "women"}, ["Safe House Kraków"]),
        ({"group": "third_country_nationals"}, ["Poradnia Prawna Lublin", "Safe House Kraków"]),
        ({"language": "uk"}, ["Help Line", "Safe House Kraków"]),
        ({"language": "ru"}, ["Poradnia Prawna Lublin"]),
        ({"service_type": "shelter", "language": "ru"}, []),
    ],
)
def test_search_by_place_type_group_and_language(
    client: Client, directory: Directory, clock: object, params: dict[str, str], expected: list[str]
) -> None:
    names = _names(client, **params)
    assert [re.sub(r"<[^>]+>", "", name).split(" (")[0] for name in names] == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (WED_10, ["Help Line", "Safe House Kraków"]),
        (THU_01, ["Help Line", "Poradnia Prawna Lublin"]),
        (SAT_12, ["Help Line"]),
    ],
)
def test_open_now_lists_only_what_is_open_and_never_a_closed_service(
    client: Client,
    directory: Directory,
    clock: Callable[[datetime], None],
    moment: datetime,
    expected: list[str],
) -> None:
    clock(moment)
    names = _names(client, open_now="on")
    assert [re.sub(r"<[^>]+>", "", name).split(" (")[0] for name in names] == expected


def test_a_result_shows_what_a_visitor_needs(
    client: Client, directory: Directory, clock: object
) -> None:
    response = client.get(_url("en", city="Kraków"))
    body = response.content.decode()
    card = body[body.index("Safe House Kraków") : body.index("Help Line")]
    assert "Example Foundation" in card
    assert "Specialised assistance for victims of trafficking · Shelter" in card
    assert "ul. Fikcyjna 7" in card
    assert "31-001 Kraków" in card
    assert '<a class="tel" href="tel:+48123456789">+48 12 345 67 89</a>' in card
    assert "Mon–Fri 09:00–17:00" in card
    assert '<span class="badge badge-open">Open now</span>' in card
    assert "Polish, Ukrainian" in card
    assert "Women, Third-country nationals" in card
    assert "Adult women." in card
    assert "Aged 18 or over" in card
    assert "Call first." in card
    assert "Tram 4." in card
    assert (
        'href="https://www.openstreetmap.org/?mlat=50.061400&amp;mlon=19.936600#map=17/50.061400/19.936600"'
        in card
    )
    assert 'rel="external noopener noreferrer"' in card
    assert "3 of 12 beds" in card
    assert "(as of May 12, 2025)" in card
    # The national line: no address, open 24 hours, for the whole country.
    line = body[body.index("Help Line") :]
    assert "Open 24 hours" in line
    assert '<span class="badge">Anywhere in Poland</span>' in line
    assert 'href="tel:+48800000000"' in line


def test_a_result_is_in_the_readers_language_and_falls_back_visibly(
    client: Client, directory: Directory, clock: object
) -> None:
    body = client.get(_url("uk", voivodeship="")).content.decode()
    assert "Безпечний дім Краків" in body
    assert "Пн–Пт 09:00–17:00" in body
    assert "польська, українська" in body  # language names in Ukrainian (pycountry)
    assert "Притулок" in body  # the service type's Ukrainian name
    # The legal aid service has only a Polish name: shown in Polish, marked as such.
    assert '<span lang="pl">Poradnia Prawna Lublin</span> <span class="muted">(' in body


def test_a_temporarily_closed_service_shows_its_alert_and_is_never_open(
    client: Client, directory: Directory, clock: object
) -> None:
    body = client.get(_url(city="Rzeszów")).content.decode()
    card = body[body.index("Drop-in Rzeszów") :]
    assert '<span class="badge badge-closed">Temporarily closed</span>' in card
    assert '<p class="alert">Closed until June.</p>' in card
    assert "Open now</span>" not in card.split("</article>")[0]


def test_the_no_results_page_offers_the_info_line(
    client: Client, directory: Directory, clock: object
) -> None:
    response = client.get(_url(service_type="education"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "0 services found" in body
    assert "No service matches all of these choices." in body
    assert 'class="call" href="tel:+48224902044"' in body


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"voivodeship": "99"}, "voivodeship"),
        ({"service_type": "brothel"}, "service_type"),
        ({"group": "everyone"}, "group"),
        ({"language": "xx"}, "language"),
        ({"city": "x" * 101}, "city"),
        ({"city": "Kraków\x00"}, "city"),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_written(
    client: Client, directory: Directory, clock: object, params: dict[str, str], field: str
) -> None:
    before = (AuditEvent.objects.count(), Session.objects.count(), MetadataChange.objects.count())
    response = client.get(_url(**params))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {field}
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body  # the message, tied to the field
    assert 'aria-invalid="true"' in body
    assert 'id="results-heading"' not in body
    assert response.cookies == {}
    after = (AuditEvent.objects.count(), Session.objects.count(), MetadataChange.objects.count())
    assert after == before


def test_a_post_is_refused_and_writes_nothing(client: Client, directory: Directory) -> None:
    response = client.post(_url(), {"city": "Kraków"})
    assert response.status_code == 405
    assert AuditEvent.objects.count() == 0
    assert Session.objects.count() == 0


def test_results_come_twenty_a_page_and_the_pages_keep_the_search(
    client: Client, db: None, clock: object
) -> None:
    demo_like_directory(25)
    first = client.get(_url(voivodeship="14", group="women"))
    assert len(first.context["results"]) == 20
    body = first.content.decode()
    assert "25 services found" in body
    assert "Page 1 of 2" in body
    assert 'href="?voivodeship=14&amp;group=women&amp;page=2#results-heading"' in body
    second = client.get(_url(voivodeship="14", group="women", page="2"))
    assert len(second.context["results"]) == 5
    assert 'start="21"' in second.content.decode()
    # A page that is not a number is the first; one past the end is the last.
    assert client.get(_url(voivodeship="14", page="abc")).context["page"].number == 1
    assert client.get(_url(voivodeship="14", page="99")).context["page"].number == 2


def test_the_number_of_queries_does_not_grow_with_the_results(
    client: Client, db: None, clock: object
) -> None:
    demo_like_directory(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(voivodeship="14", open_now="on")).status_code == 200
    demo_like_directory(17)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(voivodeship="14", open_now="on"))
    assert len(response.context["results"]) == 20
    assert len(many) == len(few)
    assert len(many) <= 25


# --- nothing about the visitor is stored ------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pl", "uk", "ru"])
def test_a_search_stores_nothing_and_sets_no_cookie(
    client: Client,
    directory: Directory,
    clock: object,
    language: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = (
        AuditEvent.objects.count(),
        Session.objects.count(),
        MetadataChange.objects.count(),
        Service.objects.count(),
    )
    caplog.set_level(logging.DEBUG)
    for params in ({}, {"city": "Kraków", "open_now": "on"}, {"voivodeship": "99"}):
        response = client.get(_url(language, **params))
        assert "Set-Cookie" not in response.headers
        assert response.cookies == {}
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Language"] == language
    after = (
        AuditEvent.objects.count(),
        Session.objects.count(),
        MetadataChange.objects.count(),
        Service.objects.count(),
    )
    assert after == before
    assert not any("Krak" in record.getMessage() for record in caplog.records)


def test_signed_in_staff_search_like_anyone_and_nothing_is_audited(
    login: LoginAs, cast: Cast, directory: Directory, clock: object
) -> None:
    client = login(cast.caseworker_a)
    before = AuditEvent.objects.count()
    response = client.get(_url(city="Kraków"))
    assert response.status_code == 200
    assert "caseworker.a" not in response.content.decode()
    assert AuditEvent.objects.count() == before


# --- light enough for a cheap phone on a slow connection -----------------------------------

ASSET = re.compile(r'<(?:link|script|img|source)\b[^>]*?\b(?:href|src)="([^"]+)"', re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
LIMIT = 200 * 1024


def _static_size(url: str, seen: set[str]) -> int:
    """The size of a same-origin static file and of the files its CSS loads."""
    if url in seen or url.startswith("data:"):
        return 0
    seen.add(url)
    assert url.startswith("/static/"), f"not a same-origin static file: {url}"
    found = finders.find(url.removeprefix("/static/").split("?")[0])
    assert found, f"missing static file {url}"
    path = Path(str(found))
    size = path.stat().st_size
    if path.suffix == ".css":
        base = url.rsplit("/", 1)[0]
        for ref in CSS_URL.findall(path.read_text()):
            size += _static_size(ref if ref.startswith("/") else f"{base}/{ref}", seen)
    return size


@pytest.mark.parametrize("language", ["uk", "pl"])
def test_a_full_page_of_results_weighs_under_200_kb(
    client: Client, db: None, clock: object, language: str
) -> None:
    demo_like_directory(22)
    response = client.get(_url(language, voivodeship="14"))
    assert len(response.context["results"]) == 20
    html = response.content.decode()
    assert "<script" not in html.replace('<script src="/static/safepath/quick-exit.js"', "")
    assets = ASSET.findall(html)
    assert "/static/safepath/app.css" in assets
    seen: set[str] = set()
    total = len(response.content) + sum(
        _static_size(url, seen) for url in assets if not url.startswith("http")
    )
    assert not [url for url in assets if url.startswith("http") and "openstreetmap" not in url]
    assert total < LIMIT, f"{total} bytes"


@pytest.mark.django_db
def test_a_shelter_without_a_published_street_shows_its_city_only(client: Client) -> None:
    ensure_taxonomies()
    make_service(
        name=four("Hidden Shelter", "Ukryte schronienie", "Прихисток", "Приют"),
        types=("shelter",),
        city="Lublin",
        street="",
        postal_code="20-001",
        voivodeship="06",
        coordinates=("51.246452", "22.568446"),
    )
    body = client.get(_url("en", city="Lublin")).content.decode()
    card = body[body.index("Hidden Shelter") :]
    assert "Lublin" in card
    assert "The address is given when you are referred or when you call." in card
    assert "20-001" not in card
    assert "openstreetmap" not in card
    assert "51.246" not in card
