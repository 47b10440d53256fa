"""The people API: create, read, list by cursor; bad input, scope and the audit trail.

Access basics (outsider 404 in the API) live in test_person_access.py; this
file covers the rest of the API door.
"""

import json
import re
import uuid
from typing import Any

import pytest
from django import forms
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.api.pagination import decode_cursor, encode_cursor
from safepath.audit.models import AuditEvent
from safepath.core.exceptions import BadCursor
from safepath.people import services
from safepath.people.forms import PersonForm
from safepath.people.models import Person
from safepath.people.schemas import PersonIn
from safepath.people.validators import MAX_LENGTHS
from tests.conftest import Cast

CODE_RE = re.compile(r"^SP-[A-Z0-9]{4}-[A-Z0-9]{2}$")
PROBLEM = "application/problem+json"

VALID: dict[str, Any] = {
    "given_name": "Halyna",
    "family_name": "Tkachenko",
    "sex": "female",
    "date_of_birth": "1990-04-12",
    "nationality": "UKR",
    "phone": "+48 601 234 568",
    "voivodeship": "14",
    "document_number": "FA1234567",
    "address": "ul. Testowa 1, Warszawa",
    "notes": "Met at the station.",
    "languages": ["uk", "pl"],
    "arrival_date": "2024-03-01",
    "protection_status": "temporary_protection",
    "child_status": "",
    "wg_seeing": "no",
    "wg_walking": "a_lot",
}
IDENTITY_WORDS = ("Halyna", "Tkachenko", "601234568", "FA1234567", "Testowa", "station")


def _auth(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return _auth(raw)


def _post(client: Client, user: User, body: dict[str, Any] | str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        "/api/v1/people", data=data, content_type="application/json", headers=_headers(user)
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _create(actor: User, n: int) -> list[Person]:
    return [
        services.person_create(actor=actor, data={"given_name": f"P{i}", "family_name": "Test"})
        for i in range(n)
    ]


# --- create and read ---------------------------------------------------------


def test_create_answers_201_with_id_and_code_and_stores_normalised_values(
    client: Client, cast: Cast
) -> None:
    response = _post(client, cast.caseworker_a, VALID)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "code"}
    assert CODE_RE.match(body["code"])
    person = Person.objects.get()
    assert str(person.public_id) == body["id"]
    assert person.code == body["code"]
    assert person.given_name == "Halyna"
    assert person.phone == "+48601234568"
    assert person.nationality == "UKR"
    assert person.voivodeship == "14"
    assert person.age_band == "18-59"
    assert person.organisation == cast.org_a
    assert person.team == cast.team_a
    assert person.created_by == cast.caseworker_a
    assert person.has_disability is True
    created = _events("person.created")
    assert len(created) == 1
    assert created[0].object_id == body["id"]
    assert created[0].detail == {"via": "api"}


def test_owner_team_reads_person_with_identity(client: Client, cast: Cast) -> None:
    person_id = _post(client, cast.caseworker_a, VALID).json()["id"]

    response = client.get(f"/api/v1/people/{person_id}", headers=_headers(cast.caseworker_a2))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == person_id
    assert body["organisation"] == "ORGA"
    assert body["team"] == "Warsaw"
    assert body["version"] == 1
    assert body["languages"] == ["uk", "pl"]
    assert body["disability"] is True
    assert body["identity"] == {
        "given_name": "Halyna",
        "family_name": "Tkachenko",
        "date_of_birth": "1990-04-12",
        "phone": "+48601234568",
        "document_number": "FA1234567",
        "address": "ul. Testowa 1, Warszawa",
        "notes": "Met at the station.",
    }
    viewed = _events("person.viewed")
    assert len(viewed) == 1
    assert viewed[0].actor_username == "caseworker2.a"
    assert viewed[0].object_id == person_id
    assert viewed[0].purpose == "api"
    assert viewed[0].detail == {"via": "api"}


def test_analyst_reads_person_without_identity(client: Client, cast: Cast) -> None:
    person_id = _post(client, cast.caseworker_a, VALID).json()["id"]

    response = client.get(f"/api/v1/people/{person_id}", headers=_headers(cast.analyst))

    assert response.status_code == 200
    assert response.json()["identity"] is None
    assert response.json()["nationality"] == "UKR"
    text = response.content.decode()
    for word in IDENTITY_WORDS:
        assert word not in text
    assert len(_events("person.viewed")) == 1


def test_hidden_and_missing_person_answer_identically_in_api(
    client: Client, cast: Cast, person_a: Person
) -> None:
    headers = _headers(cast.caseworker_b)
    hidden = client.get(f"/api/v1/people/{person_a.public_id}", headers=headers)
    missing = client.get(f"/api/v1/people/{uuid.uuid4()}", headers=headers)

    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == missing["Content-Type"] == PROBLEM
    assert hidden.content == missing.content
    assert hidden.json() == {"type": "about:blank", "title": "Not found", "status": 404}
    assert len(_events("person.viewed")) == 0


def test_malformed_person_id_in_path_is_rejected_without_a_read(client: Client, cast: Cast) -> None:
    response = client.get("/api/v1/people/not-a-uuid", headers=_headers(cast.caseworker_a))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == ["person_id"]
    assert len(_events("person.viewed")) == 0


# --- bad input: clear errors, nothing written --------------------------------

LONG = "Zyxwvutsr" * 23  # 207 characters, over the 200 allowed for names


@pytest.mark.parametrize(
    ("changes", "bad_fields"),
    [
        pytest.param({"phone": "+48 12"}, {"phone"}, id="phone-too-short"),
        pytest.param({"phone": "call me"}, {"phone"}, id="phone-words"),
        pytest.param({"nationality": "XXX"}, {"nationality"}, id="unknown-nationality"),
        pytest.param({"nationality": "UKRA"}, {"nationality"}, id="nationality-4-letters"),
        pytest.param({"voivodeship": "99"}, {"voivodeship"}, id="voivodeship-99"),
        pytest.param({"sex": "f"}, {"sex"}, id="sex-f"),
        pytest.param({"date_of_birth": "2999-01-01"}, {"date_of_birth"}, id="future-birth"),
        pytest.param({"date_of_birth": "1850-01-01"}, {"date_of_birth"}, id="too-old"),
        pytest.param({"arrival_date": "2999-01-01"}, {"arrival_date"}, id="future-arrival"),
        pytest.param({"given_name": 123}, {"given_name"}, id="name-number"),
        pytest.param({"languages": "uk"}, {"languages"}, id="languages-string"),
        pytest.param({"date_of_birth": "yesterday"}, {"date_of_birth"}, id="date-word"),
        pytest.param({"voivodeship": 14}, {"voivodeship"}, id="voivodeship-int"),
        pytest.param({"sex": None}, {"sex"}, id="sex-null"),
        pytest.param({"given_name": LONG}, {"given_name"}, id="long-name"),
        pytest.param({"notes": "n" * 10_001}, {"notes"}, id="long-notes"),
        pytest.param({"address": "a" * 1001}, {"address"}, id="long-address"),
        pytest.param({"wg_seeing": "blind"}, {"wg_seeing"}, id="wg-unknown"),
        pytest.param({"protection_status": "vip"}, {"protection_status"}, id="status-unknown"),
        pytest.param(
            {
                "phone": "12",
                "nationality": "XXX",
                "voivodeship": "99",
                "sex": "f",
                "date_of_birth": "2999-01-01",
            },
            {"phone", "nationality", "voivodeship", "sex", "date_of_birth"},
            id="five-at-once",
        ),
    ],
)
def test_bad_input_names_each_field_and_writes_nothing(
    client: Client, cast: Cast, changes: dict[str, Any], bad_fields: set[str]
) -> None:
    response = _post(client, cast.caseworker_a, {**VALID, **changes})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422
    assert body["title"] == "Invalid input"
    assert {error["field"] for error in body["errors"]} == bad_fields
    assert {error["pointer"] for error in body["errors"]} == {f"/{f}" for f in bad_fields}
    assert all(error["detail"] for error in body["errors"])
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="person.").count() == 0


def test_bad_language_item_is_pointed_at(client: Client, cast: Cast) -> None:
    response = _post(client, cast.caseworker_a, {**VALID, "languages": ["uk", "x" * 9]})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/languages/1"]
    assert Person.objects.count() == 0


def test_errors_never_echo_the_submitted_value(client: Client, cast: Cast) -> None:
    response = _post(client, cast.caseworker_a, {**VALID, "given_name": LONG, "phone": "+4812"})
    assert response.status_code == 422
    assert "Zyxwvutsr" not in response.content.decode()
    assert "+4812" not in response.content.decode()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"given_name": "Halyna",', id="truncated"),
        pytest.param("given_name=Halyna", id="form-encoded"),
        pytest.param("\x00\xff", id="binary"),
    ],
)
def test_malformed_json_is_400_problem_and_writes_nothing(
    client: Client, cast: Cast, raw: str
) -> None:
    response = _post(client, cast.caseworker_a, raw)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 400
    assert "Halyna" not in response.content.decode()
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="person.").count() == 0


@pytest.mark.parametrize("body", [[], "null", "[1, 2]", '"Halyna"'])
def test_json_that_is_not_an_object_is_refused(
    client: Client, cast: Cast, body: list[Any] | str
) -> None:
    response = _post(
        client, cast.caseworker_a, json.dumps(body) if isinstance(body, list) else body
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == PROBLEM
    assert Person.objects.count() == 0


def test_anonymous_create_is_401_and_writes_nothing(client: Client, cast: Cast) -> None:
    response = client.post(
        "/api/v1/people", data=json.dumps(VALID), content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert Person.objects.count() == 0


def test_bogus_token_is_401_and_writes_nothing(client: Client, cast: Cast) -> None:
    response = client.post(
        "/api/v1/people",
        data=json.dumps(VALID),
        content_type="application/json",
        headers=_auth("sp_not-a-real-token"),
    )
    assert response.status_code == 401
    assert Person.objects.count() == 0


@pytest.mark.parametrize("role", ["analyst", "partner", "trainer", "admin"])
def test_roles_that_may_not_register_get_404_and_nothing_is_written(
    client: Client, cast: Cast, role: str
) -> None:
    response = _post(client, getattr(cast, role), VALID)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="person.").count() == 0


# --- cursor pagination --------------------------------------------------------


def _page(client: Client, headers: dict[str, str], **params: Any) -> Any:
    response = client.get("/api/v1/people", params, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_cursor_pages_of_three_cover_seven_people_without_gaps_or_duplicates(
    client: Client, cast: Cast
) -> None:
    people = _create(cast.caseworker_a, 7)
    newest_first = [str(p.public_id) for p in reversed(people)]
    headers = _headers(cast.caseworker_a)

    first = _page(client, headers, limit=3)
    second = _page(client, headers, limit=3, cursor=first["next_cursor"])
    third = _page(client, headers, limit=3, cursor=second["next_cursor"])

    pages = [[item["id"] for item in page["items"]] for page in (first, second, third)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert pages[0] + pages[1] + pages[2] == newest_first
    assert first["next_cursor"]
    assert second["next_cursor"]
    assert third["next_cursor"] is None
    listed = _events("person.listed")
    assert [e.detail for e in listed] == [
        {"count": 3, "via": "api", "filters": []},
        {"count": 3, "via": "api", "filters": ["cursor"]},
        {"count": 1, "via": "api", "filters": ["cursor"]},
    ]
    assert len(_events("person.viewed")) == 0


def test_exact_multiple_of_limit_ends_without_an_empty_page(client: Client, cast: Cast) -> None:
    _create(cast.caseworker_a, 6)
    headers = _headers(cast.caseworker_a)
    first = _page(client, headers, limit=3)
    second = _page(client, headers, limit=3, cursor=first["next_cursor"])
    assert len(second["items"]) == 3
    assert second["next_cursor"] is None


def test_cursor_is_stable_when_someone_registers_a_person_between_pages(
    client: Client, cast: Cast
) -> None:
    people = _create(cast.caseworker_a, 7)
    newest_first = [str(p.public_id) for p in reversed(people)]
    headers = _headers(cast.caseworker_a)

    first = _page(client, headers, limit=3)
    newcomer = services.person_create(actor=cast.caseworker_a2, data={"given_name": "Late"})
    second = _page(client, headers, limit=3, cursor=first["next_cursor"])
    third = _page(client, headers, limit=3, cursor=second["next_cursor"])

    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == newest_first
    assert str(newcomer.public_id) not in seen
    restart = _page(client, headers, limit=3)
    assert restart["items"][0]["id"] == str(newcomer.public_id)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        "a2",  # base64 of a lone "k": no number
        "eDEy",  # base64 of "x12": wrong marker
        "//79",  # not UTF-8 once decoded
    ],
)
def test_garbage_cursor_is_400_problem_and_nothing_is_listed(
    client: Client, cast: Cast, person_a: Person, cursor: str
) -> None:
    response = client.get("/api/v1/people", {"cursor": cursor}, headers=_headers(cast.caseworker_a))

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid cursor"
    assert [e["field"] for e in body["errors"]] == ["cursor"]
    assert len(_events("person.listed")) == 0


def test_cursor_beyond_any_row_is_an_empty_page_not_a_crash(
    client: Client, cast: Cast, person_a: Person
) -> None:
    headers = _headers(cast.caseworker_a)
    assert _page(client, headers, cursor=encode_cursor(0))["items"] == []
    huge = _page(client, headers, cursor=encode_cursor(10**30))
    assert [item["id"] for item in huge["items"]] == [str(person_a.public_id)]


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_cursor_round_trips_every_key(pk: int) -> None:
    assert decode_cursor(encode_cursor(pk)) == pk


@given(st.text(max_size=64))
def test_any_cursor_text_decodes_or_is_refused_as_bad_cursor(text: str) -> None:
    try:
        decoded = decode_cursor(text)
    except BadCursor:
        return
    assert isinstance(decoded, int)


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten"])
def test_limit_out_of_range_is_422_naming_limit(
    client: Client, cast: Cast, person_a: Person, limit: str
) -> None:
    response = client.get("/api/v1/people", {"limit": limit}, headers=_headers(cast.caseworker_a))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]
    assert len(_events("person.listed")) == 0


# --- the list shows only what the caller may see ------------------------------


def test_caseworker_of_another_organisation_lists_none_of_a(
    client: Client, cast: Cast, person_a: Person
) -> None:
    _create(cast.caseworker_a, 2)
    own = services.person_create(actor=cast.caseworker_b, data={"given_name": "Bee"})

    body = _page(client, _headers(cast.caseworker_b))

    assert [item["id"] for item in body["items"]] == [str(own.public_id)]
    assert body["next_cursor"] is None
    assert [e.detail["count"] for e in _events("person.listed")] == [1]


def test_cursor_from_a_hidden_row_does_not_reveal_it(
    client: Client, cast: Cast, person_a: Person
) -> None:
    own = services.person_create(actor=cast.caseworker_b, data={"given_name": "Bee"})
    later = _create(cast.caseworker_a, 1)[0]
    body = _page(client, _headers(cast.caseworker_b), cursor=encode_cursor(later.pk))
    assert [item["id"] for item in body["items"]] == [str(own.public_id)]


def test_hotline_operator_sees_only_people_they_registered(
    client: Client, cast: Cast, person_a: Person
) -> None:
    hotline = _headers(cast.hotline)
    mine = [
        _post(client, cast.hotline, {"given_name": f"Caller{i}", "sex": "male"}).json()["id"]
        for i in range(2)
    ]

    body = _page(client, hotline)
    assert [item["id"] for item in body["items"]] == list(reversed(mine))
    assert all(item["identity"] is not None for item in body["items"])
    hidden = client.get(f"/api/v1/people/{person_a.public_id}", headers=hotline)
    assert hidden.status_code == 404
    assert len(_events("person.viewed")) == 0
    # The hotline works in team A: the team's caseworkers see the calls too.
    team_view = _page(client, _headers(cast.caseworker_a))
    assert len(team_view["items"]) == 3


def test_analyst_lists_the_organisation_without_identity(
    client: Client, cast: Cast, person_a: Person
) -> None:
    services.person_create(actor=cast.caseworker_a_other_team, data={"given_name": "Marek"})
    services.person_create(actor=cast.caseworker_b, data={"given_name": "Bee"})

    response = client.get("/api/v1/people", headers=_headers(cast.analyst))

    items = response.json()["items"]
    assert len(items) == 2
    assert {item["organisation"] for item in items} == {"ORGA"}
    assert all(item["identity"] is None for item in items)
    assert "Oksana" not in response.content.decode()
    assert "Marek" not in response.content.decode()


def test_roles_without_person_view_list_nothing(
    client: Client, cast: Cast, person_a: Person
) -> None:
    for role in ("partner", "trainer", "admin"):
        body = _page(client, _headers(getattr(cast, role)))
        assert body == {"items": [], "next_cursor": None}


# --- the audit trail ------------------------------------------------------------


def test_every_list_and_read_is_audited_with_exact_counts_and_no_values(
    client: Client, cast: Cast, person_a: Person
) -> None:
    headers = _headers(cast.caseworker_a)
    second = services.person_create(
        actor=cast.caseworker_a, data={"given_name": "Iryna", "phone": "+48 602 345 678"}
    )

    _page(client, headers)
    _page(client, headers, limit=1)
    for person in (person_a, second, person_a):
        assert client.get(f"/api/v1/people/{person.public_id}", headers=headers).status_code == 200

    listed = _events("person.listed")
    viewed = _events("person.viewed")
    assert [e.detail["count"] for e in listed] == [2, 1]
    assert [e.object_id for e in viewed] == [
        str(person_a.public_id),
        str(second.public_id),
        str(person_a.public_id),
    ]
    assert {e.actor_username for e in listed + viewed} == {"caseworker.a"}
    dump = json.dumps(list(AuditEvent.objects.values()), default=str)
    for value in ("Oksana", "Melnyk", "601234567", "Iryna", "602345678"):
        assert value not in dump


def test_form_and_api_apply_the_same_length_limits() -> None:
    form = PersonForm()
    for name, limit in MAX_LENGTHS.items():
        field = form.fields[name]
        assert isinstance(field, forms.CharField)
        assert field.max_length == limit
        schema_limits = [
            m.max_length for m in PersonIn.model_fields[name].metadata if hasattr(m, "max_length")
        ]
        assert schema_limits == [limit], name
