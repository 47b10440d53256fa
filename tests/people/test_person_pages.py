"""The people pages: list, search, register, edit and consent; access, bad input, audit.

The detail page's basic access rules are in test_person_access.py.
"""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.people import services
from safepath.people.models import Consent, Person
from tests.conftest import Cast

type LoginAs = Callable[[User], Client]

# session, user (with organisation and team), count, page, audit insert
LIST_QUERIES = 5


def _audit_dump() -> str:
    return json.dumps(list(AuditEvent.objects.values()), default=str)


def _person_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Mariia",
        "family_name": "Bondarenko",
        "date_of_birth": "1988-02-03",
        "phone": "+48 603 456 789",
        "document_number": "EK7654321",
        "address": "",
        "notes": "",
        "sex": "female",
        "age_band": "unknown",
        "nationality": "UKR",
        "languages": ["uk"],
        "voivodeship": "14",
        "arrival_date": "",
        "protection_status": "temporary_protection",
        "child_status": "",
        "wg_seeing": "",
        "wg_hearing": "",
        "wg_walking": "",
        "wg_remembering": "",
        "wg_selfcare": "",
        "wg_communicating": "",
    }
    data.update(changes)
    return data


def _edit_url(person: Person) -> str:
    return reverse("people:edit", kwargs={"person_id": person.public_id})


def _consent_url(person: Person) -> str:
    return reverse("people:consent_create", kwargs={"person_id": person.public_id})


# --- list ---------------------------------------------------------------------


def test_list_shows_team_people_with_names_and_audits_the_listing(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    services.person_create(actor=cast.caseworker_b, data={"given_name": "Bohdan"})

    response = login(cast.caseworker_a2).get(reverse("people:list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert person_a.code in body
    assert "Oksana Melnyk" in body
    assert "Bohdan" not in body
    listed = AuditEvent.objects.get(action="person.listed")
    assert listed.detail == {"count": 1, "via": "web", "filters": []}
    assert listed.actor_username == "caseworker2.a"


def test_outsider_list_shows_none_of_organisation_a(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    response = login(cast.caseworker_b).get(reverse("people:list"))
    assert response.status_code == 200
    assert person_a.code not in response.content.decode()
    assert "Oksana" not in response.content.decode()
    assert AuditEvent.objects.get(action="person.listed").detail["count"] == 0


def test_analyst_list_shows_codes_and_hides_names(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    response = login(cast.analyst).get(reverse("people:list"))
    body = response.content.decode()
    assert person_a.code in body
    assert "Oksana" not in body
    assert "hidden" in body


@pytest.mark.parametrize("role", ["partner", "trainer", "admin"])
def test_roles_without_person_view_get_404_on_every_people_page(
    login: LoginAs, cast: Cast, person_a: Person, role: str
) -> None:
    client = login(getattr(cast, role))
    before = AuditEvent.objects.count()
    assert client.get(reverse("people:list")).status_code == 404
    assert client.post(reverse("people:search"), {"query": person_a.code}).status_code == 404
    assert client.get(reverse("people:create")).status_code == 404
    assert client.post(reverse("people:create"), _person_data()).status_code == 404
    assert client.get(_edit_url(person_a)).status_code == 404
    assert client.post(_edit_url(person_a), _person_data(version=1)).status_code == 404
    assert client.get(_consent_url(person_a)).status_code == 404
    assert Person.objects.count() == 1
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "name",
    ["people:list", "people:create", "people:detail", "people:edit", "people:consent_create"],
)
def test_anonymous_is_sent_to_sign_in_and_nothing_is_logged_as_read(
    client: Client, person_a: Person, name: str
) -> None:
    kwargs = {} if name in ("people:list", "people:create") else {"person_id": person_a.public_id}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action__in=["person.viewed", "person.listed"]).count() == 0


def test_anonymous_search_is_sent_to_sign_in_and_not_run(client: Client, person_a: Person) -> None:
    response = client.post(reverse("people:search"), {"query": "Oksana Melnyk"})
    assert response.status_code == 302
    assert "Oksana" not in response["Location"]
    assert AuditEvent.objects.filter(action="person.searched").count() == 0


@pytest.mark.parametrize("count", [5, 50])
def test_list_page_runs_a_bounded_number_of_queries(
    login: LoginAs,
    cast: Cast,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    for i in range(count):
        services.person_create(
            actor=cast.caseworker_a, data={"given_name": f"Name{i}", "family_name": "Test"}
        )
    client = login(cast.caseworker_a)
    client.get(reverse("core:dashboard"))  # the first request of a session also refreshes it
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("people:list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="code"') == count


def test_list_query_count_does_not_grow_with_rows(login: LoginAs, cast: Cast) -> None:
    client = login(cast.caseworker_a)
    client.get(reverse("core:dashboard"))  # the first request of a session also refreshes it
    counts = []
    for batch in (5, 45):
        for i in range(batch):
            services.person_create(actor=cast.caseworker_a, data={"given_name": f"N{i}"})
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("people:list"))
        counts.append(len(queries.captured_queries))
    assert counts == [LIST_QUERIES, LIST_QUERIES]


# --- search -------------------------------------------------------------------


def test_search_only_answers_post(login: LoginAs, cast: Cast, person_a: Person) -> None:
    response = login(cast.caseworker_a).get(reverse("people:search"), {"query": person_a.code})
    assert response.status_code == 405
    assert AuditEvent.objects.filter(action="person.searched").count() == 0


@pytest.fixture
def namesake(cast: Cast) -> Person:
    """Same family name, other given name and phone: an exact search must not find her."""
    return services.person_create(
        actor=cast.caseworker_a,
        data={"given_name": "Olha", "family_name": "Melnyk", "phone": "+48 601 234 560"},
    )


@pytest.mark.parametrize(
    ("query", "method"),
    [
        ("CODE", "code"),
        ("code-lower", "code"),
        ("Oksana Melnyk", "name"),
        ("  oKSANA    mELNYK ", "name"),
        ("OKSANA MELNYK", "name"),
        ("+48601234567", "phone"),
        ("+48 601 234 567", "phone"),
        ("601234567", "phone"),
        ("601 234 567", "phone"),
        ("601-234-567", "phone"),
        ("(+48) 601-234-567", "phone"),
        ("0048 601 234 567", "phone"),
    ],
)
def test_search_finds_exactly_the_person(
    login: LoginAs, cast: Cast, person_a: Person, namesake: Person, query: str, method: str
) -> None:
    if query == "CODE":
        query = person_a.code
    elif query == "code-lower":
        query = f" {person_a.code.lower()} "

    response = login(cast.caseworker_a).post(reverse("people:search"), {"query": query})

    assert response.status_code == 200
    assert [p.pk for p, _identity in response.context["rows"]] == [person_a.pk]
    event = AuditEvent.objects.get(action="person.searched")
    assert event.detail == {"count": 1, "via": "web", "method": method}
    assert AuditEvent.objects.filter(action="person.viewed").count() == 0


@pytest.mark.parametrize(
    "query", ["Oksana", "Melnyk", "Oksana Melnykk", "+48601234568", "SP-0000-00"]
)
def test_search_is_exact_and_near_misses_find_nobody(
    login: LoginAs, cast: Cast, person_a: Person, query: str
) -> None:
    response = login(cast.caseworker_a).post(reverse("people:search"), {"query": query})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert AuditEvent.objects.get(action="person.searched").detail["count"] == 0


def test_search_words_are_not_kept_in_audit_or_url(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    client = login(cast.caseworker_a)
    words = ["Oksana Melnyk", "+48 601 234 567"]
    for query in words:
        response = client.post(reverse("people:search"), {"query": query}, follow=True)
        assert response.redirect_chain == []
        assert response.request["PATH_INFO"] == reverse("people:search")
        assert response.request.get("QUERY_STRING", "") == ""
        body = response.content.decode()
        for href in _hrefs(body):
            assert "Oksana" not in href
            assert "601" not in href
    assert AuditEvent.objects.filter(action="person.searched").count() == 2
    dump = _audit_dump()
    for value in ("Oksana", "Melnyk", "601234567", "601 234 567", person_a.name_index):
        assert value not in dump


def _hrefs(html: str) -> list[str]:
    import re

    return re.findall(r'(?:href|action)="([^"]*)"', html)


def test_analyst_search_by_name_or_phone_finds_nothing_but_by_code_works(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    client = login(cast.analyst)
    by_name = client.post(reverse("people:search"), {"query": "Oksana Melnyk"})
    by_phone = client.post(reverse("people:search"), {"query": "+48601234567"})
    by_code = client.post(reverse("people:search"), {"query": person_a.code})

    assert by_name.context["rows"] == []
    assert by_phone.context["rows"] == []
    assert [(p.pk, identity) for p, identity in by_code.context["rows"]] == [(person_a.pk, False)]
    assert "Oksana" not in by_code.content.decode()
    counts = [
        e.detail["count"]
        for e in AuditEvent.objects.filter(action="person.searched").order_by("id")
    ]
    assert counts == [0, 0, 1]


def test_outsider_search_by_code_finds_nothing(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    response = login(cast.caseworker_b).post(reverse("people:search"), {"query": person_a.code})
    assert response.context["rows"] == []
    assert person_a.code not in response.content.decode().replace(f'value="{person_a.code}"', "")


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_bad_search_input_shows_an_error_and_runs_no_search(
    login: LoginAs, cast: Cast, person_a: Person, query: str
) -> None:
    response = login(cast.caseworker_a).post(reverse("people:search"), {"query": query})
    assert response.status_code == 200
    assert response.context["search_form"].errors["query"]
    assert response.context["rows"] == []
    assert AuditEvent.objects.filter(action="person.searched").count() == 0


# --- register -----------------------------------------------------------------


def test_register_form_creates_the_person_and_goes_to_the_record(
    login: LoginAs, cast: Cast
) -> None:
    client = login(cast.caseworker_a)
    assert client.get(reverse("people:create")).status_code == 200

    response = client.post(reverse("people:create"), _person_data())

    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert (person.given_name, person.phone, person.age_band) == (
        "Mariia",
        "+48603456789",
        "18-59",
    )
    assert person.team == cast.team_a
    created = AuditEvent.objects.get(action="person.created")
    assert created.detail == {"via": "web"}
    assert created.object_id == str(person.public_id)


FUTURE = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "bad_fields"),
    [
        pytest.param({"phone": "12345"}, {"phone"}, id="phone"),
        pytest.param({"nationality": "XXX"}, {"nationality"}, id="nationality"),
        pytest.param({"voivodeship": "99"}, {"voivodeship"}, id="voivodeship"),
        pytest.param({"sex": "f"}, {"sex"}, id="sex"),
        pytest.param({"date_of_birth": FUTURE}, {"date_of_birth"}, id="future-birth"),
        pytest.param({"date_of_birth": "03/02/88x"}, {"date_of_birth"}, id="birth-garbage"),
        pytest.param({"arrival_date": FUTURE}, {"arrival_date"}, id="future-arrival"),
        pytest.param({"languages": ["klingon"]}, {"languages"}, id="language"),
        pytest.param({"wg_seeing": "blind"}, {"wg_seeing"}, id="wg"),
        pytest.param({"given_name": "x" * 201}, {"given_name"}, id="long-name"),
        pytest.param({"notes": "n" * 10_001}, {"notes"}, id="long-notes"),
        pytest.param(
            {"phone": "1", "nationality": "XXX", "voivodeship": "99", "date_of_birth": FUTURE},
            {"phone", "nationality", "voivodeship", "date_of_birth"},
            id="four-at-once",
        ),
    ],
)
def test_register_with_bad_input_shows_errors_and_creates_nothing(
    login: LoginAs, cast: Cast, changes: dict[str, Any], bad_fields: set[str]
) -> None:
    response = login(cast.caseworker_a).post(reverse("people:create"), _person_data(**changes))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == bad_fields
    assert "Nothing has been saved yet" in response.content.decode()
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="person.").count() == 0


def test_register_with_outsiders_team_in_post_still_files_under_own_team(
    login: LoginAs, cast: Cast
) -> None:
    data = _person_data(team=str(cast.team_b.pk), organisation=str(cast.org_b.pk))
    login(cast.caseworker_a).post(reverse("people:create"), data)
    person = Person.objects.get()
    assert (person.organisation, person.team) == (cast.org_a, cast.team_a)


# --- edit ---------------------------------------------------------------------


def test_owner_edits_and_the_change_is_audited_by_field_name(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    client = login(cast.caseworker_a)
    form_page = client.get(_edit_url(person_a))
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["version"] == 1

    data = _person_data(given_name="Oksana", family_name="Melnyk", phone="+48601234567", version=1)
    response = client.post(_edit_url(person_a), data)

    assert response.status_code == 302
    person = Person.objects.get(pk=person_a.pk)
    assert person.version == 2
    assert person.document_number == "EK7654321"
    changed = AuditEvent.objects.get(action="person.changed")
    assert changed.detail["fields"] == sorted(changed.detail["fields"])
    assert "document_number" in changed.detail["fields"]
    assert "given_name" not in changed.detail["fields"]
    assert "EK7654321" not in _audit_dump()


def test_stale_version_does_not_overwrite_and_says_so(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    services.person_update(
        actor=cast.caseworker_a2, person=person_a, data={"given_name": "Oksana-Maria"}
    )

    response = login(cast.caseworker_a).post(
        _edit_url(person_a), _person_data(given_name="Overwritten", version=1), follow=True
    )

    assert response.redirect_chain == [(person_a.get_absolute_url(), 302)]
    assert "Someone else changed this record while you were editing" in response.content.decode()
    person = Person.objects.get(pk=person_a.pk)
    assert person.given_name == "Oksana-Maria"
    assert person.version == 2
    assert AuditEvent.objects.filter(action="person.changed").count() == 1


@pytest.mark.parametrize("version", [None, "", "x"])
def test_edit_without_a_version_is_refused_and_changes_nothing(
    login: LoginAs, cast: Cast, person_a: Person, version: str | None
) -> None:
    data = _person_data(given_name="Overwritten")
    if version is not None:
        data["version"] = version
    response = login(cast.caseworker_a).post(_edit_url(person_a), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"version"}
    assert "Nothing has been saved yet" in response.content.decode()
    person = Person.objects.get(pk=person_a.pk)
    assert (person.given_name, person.version) == ("Oksana", 1)
    assert AuditEvent.objects.filter(action="person.changed").count() == 0


def test_hotline_operator_reaches_own_callers_only(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    own = services.person_create(actor=cast.hotline, data={"given_name": "Caller"})
    client = login(cast.hotline)
    listed = client.get(reverse("people:list"))
    assert [p.pk for p, _identity in listed.context["rows"]] == [own.pk]
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(person_a.get_absolute_url()).status_code == 404
    viewed = AuditEvent.objects.filter(action="person.viewed")
    assert list(viewed.values_list("object_id", flat=True)) == [str(own.public_id)]


def test_edit_with_bad_input_changes_nothing(login: LoginAs, cast: Cast, person_a: Person) -> None:
    response = login(cast.caseworker_a).post(
        _edit_url(person_a), _person_data(phone="12", version=1)
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone"}
    person = Person.objects.get(pk=person_a.pk)
    assert (person.given_name, person.phone, person.version) == ("Oksana", "+48601234567", 1)
    assert AuditEvent.objects.filter(action="person.changed").count() == 0


@pytest.mark.parametrize("role", ["caseworker_b", "caseworker_a_other_team", "hotline", "analyst"])
def test_who_may_not_change_gets_404_on_edit_and_nothing_is_written(
    login: LoginAs, cast: Cast, person_a: Person, role: str
) -> None:
    client = login(getattr(cast, role))
    before = AuditEvent.objects.count()
    assert client.get(_edit_url(person_a)).status_code == 404
    assert client.post(_edit_url(person_a), _person_data(version=1)).status_code == 404
    person = Person.objects.get(pk=person_a.pk)
    assert (person.given_name, person.version) == ("Oksana", 1)
    assert AuditEvent.objects.count() == before


def test_supervisor_edits_another_teams_person(login: LoginAs, cast: Cast) -> None:
    person = services.person_create(actor=cast.caseworker_a_other_team, data={"given_name": "Ivan"})
    response = login(cast.supervisor_a).post(
        _edit_url(person), _person_data(given_name="Ivan", version=1)
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).version == 2


# --- consent ------------------------------------------------------------------


def _consent_data(**changes: Any) -> dict[str, Any]:
    data = {
        "purpose": "referral",
        "given": "yes",
        "method": "written",
        "recipient": "",
        "date": "2024-05-01",
        "expires_on": "2025-05-01",
    }
    data.update(changes)
    return data


def test_give_then_withdraw_consent_keeps_both_decisions(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    client = login(cast.caseworker_a)
    assert client.get(_consent_url(person_a)).status_code == 200

    given = client.post(_consent_url(person_a), _consent_data(recipient=str(cast.partner_org.pk)))
    assert given.status_code == 302
    first = Consent.objects.get()
    first_values = Consent.objects.filter(pk=first.pk).values().get()

    withdrawn = client.post(
        _consent_url(person_a),
        _consent_data(given="no", recipient=str(cast.partner_org.pk), date="2024-06-01"),
    )
    assert withdrawn.status_code == 302

    assert Consent.objects.count() == 2
    assert Consent.objects.filter(pk=first.pk).values().get() == first_values
    second = Consent.objects.exclude(pk=first.pk).get()
    assert (first.given, second.given) == (True, False)
    assert first.expires_on == datetime.date(2025, 5, 1)
    assert second.expires_on is None
    assert second.recipient == cast.partner_org
    actions = list(
        AuditEvent.objects.filter(action__startswith="consent.")
        .order_by("id")
        .values_list("action", "purpose", "detail")
    )
    assert actions == [
        ("consent.given", "referral", {"target": "SHELTER"}),
        ("consent.withdrawn", "referral", {"target": "SHELTER"}),
    ]


@pytest.mark.parametrize(
    ("changes", "bad_fields"),
    [
        pytest.param({"expires_on": "2024-04-30"}, {"expires_on"}, id="expires-before-date"),
        pytest.param({"date": FUTURE, "expires_on": ""}, {"date"}, id="future-date"),
        pytest.param({"date": ""}, {"date"}, id="no-date"),
        pytest.param({"given": "maybe"}, {"given"}, id="given-maybe"),
        pytest.param({"purpose": "marketing"}, {"purpose"}, id="purpose"),
        pytest.param({"method": "telepathy"}, {"method"}, id="method"),
        pytest.param({"recipient": "999999"}, {"recipient"}, id="recipient"),
    ],
)
def test_bad_consent_input_is_a_form_error_and_records_nothing(
    login: LoginAs, cast: Cast, person_a: Person, changes: dict[str, Any], bad_fields: set[str]
) -> None:
    response = login(cast.caseworker_a).post(_consent_url(person_a), _consent_data(**changes))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == bad_fields
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="consent.").count() == 0


@pytest.mark.parametrize("role", ["caseworker_b", "caseworker_a_other_team", "analyst", "partner"])
def test_who_may_not_record_consent_gets_404_and_nothing_is_written(
    login: LoginAs, cast: Cast, person_a: Person, role: str
) -> None:
    client = login(getattr(cast, role))
    before = AuditEvent.objects.count()
    assert client.get(_consent_url(person_a)).status_code == 404
    assert client.post(_consent_url(person_a), _consent_data()).status_code == 404
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_detail_page_lists_consent_decisions_newest_first(
    login: LoginAs, cast: Cast, person_a: Person
) -> None:
    services.consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="follow_up",
        given=True,
        method="oral_witnessed",
        date=datetime.date(2024, 1, 1),
    )
    services.consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="follow_up",
        given=False,
        method="oral_witnessed",
        date=datetime.date(2024, 2, 1),
    )
    response = login(cast.caseworker_a).get(person_a.get_absolute_url())
    consents = list(response.context["consents"])
    assert [c.given for c in consents] == [False, True]
