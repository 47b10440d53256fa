"""The screenings API: create with the assessment, read, list by cursor; scope, bad input,
idempotency and the audit trail. Every refusal writes nothing."""

import json
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from safepath.accounts.models import User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.people import services as people_services
from safepath.people.models import Consent, Person
from safepath.screening.models import Screening
from tests.conftest import Cast

PROBLEM = "application/problem+json"
URL = "/api/v1/screenings"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]
ASSESSMENT_KEYS = {
    "catalogue",
    "catalogue_version",
    "rule_version",
    "population",
    "dimensions",
    "trafficking_indicated",
    "status",
    "missing",
    "explanation",
}
ANONYMOUS: dict[str, Any] = {
    "person": None,
    "catalogue": "AL",
    "indicators": INDICATED,
    "act": True,
    "vulnerability": {},
    "needs": [],
    "consent": {},
    "location": {"voivodeship": "18", "site_type": "border_crossing"},
}
CONSENT = {"given": True, "method": "oral_witnessed", "date": "2026-11-30"}
IDENTITY_WORDS = ("Oksana", "Melnyk", "601234567")


def _headers(user: User, **extra: str) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}", **extra}


def _post(client: Client, user: User, body: dict[str, Any] | str, **headers: str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        URL, data=data, content_type="application/json", headers=_headers(user, **headers)
    )


def _with_person(who: Person, **changes: Any) -> dict[str, Any]:
    return {
        **ANONYMOUS,
        "person": str(who.public_id),
        "vulnerability": {"factors": ["financial_problems", "unknown_offer", "family_support"]},
        "needs": ["shelter", "mhpss"],
        "consent": CONSENT,
        "interview_language": "uk",
        **changes,
    }


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _nothing_written() -> None:
    assert Screening.objects.count() == 0
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="screening.").count() == 0
    assert AuditEvent.objects.filter(action__startswith="consent.").count() == 0
    assert AuditEvent.objects.filter(action="person.viewed").count() == 0


def _assess_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("assess", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


# --- create ------------------------------------------------------------------------


def test_anonymous_create_answers_201_with_the_stored_screening_and_its_assessment(
    client: Client, cast: Cast
) -> None:
    response = _post(client, cast.caseworker_a, ANONYMOUS)

    assert response.status_code == 201, response.content
    body = response.json()
    screening = Screening.objects.get()
    assert body["id"] == str(screening.public_id)
    assert set(body["assessment"]) == ASSESSMENT_KEYS
    assert body["assessment"] == _assess_json(
        "--catalogue", "AL", "--indicators", ",".join(INDICATED), "--act", "--language", "en"
    )
    assert body["person"] is None
    assert body["consent"] is None
    assert body["organisation"] == "ORGA"
    assert body["team"] == "Warsaw"
    assert body["indicators"] == sorted(INDICATED)
    assert body["act"] is True
    assert body["vulnerability"] == {"factors": []}
    assert body["needs"] == []
    assert body["priority"] == {
        "level": "urgent",
        "reasons": ["trafficking_indicated"],
        "rule_version": "priority/1",
    }
    assert body["flags"] == ["case_required"]
    assert body["location"] == {"voivodeship": "18", "site_type": "border_crossing"}
    assert body["interview_language"] == ""
    created = _events("screening.created")
    assert len(created) == 1
    assert created[0].object_id == body["id"]
    assert created[0].actor_username == "caseworker.a"
    assert created[0].detail == {"via": "api"}
    assert AuditEvent.objects.exclude(action="token.issued").count() == 1


def test_create_with_person_records_consent_and_shows_only_the_pseudonymous_code(
    client: Client, cast: Cast, person_a: Person
) -> None:
    response = _post(client, cast.caseworker_a, _with_person(person_a))

    assert response.status_code == 201, response.content
    body = response.json()
    consent = Consent.objects.get()
    assert body["person"] == {"id": str(person_a.public_id), "code": person_a.code}
    assert body["consent"] == {
        "id": str(consent.public_id),
        "method": "oral_witnessed",
        "date": "2026-11-30",
        "expires_on": None,
    }
    assert (consent.person, consent.purpose, consent.given) == (person_a, "data_processing", True)
    assert body["vulnerability"] == {
        "factors": ["family_support", "financial_problems", "unknown_offer"]
    }
    assert body["needs"] == ["shelter", "mhpss"]
    assert body["priority"]["level"] == "urgent"
    assert body["interview_language"] == "uk"
    for word in IDENTITY_WORDS:
        assert word not in response.content.decode()
    assert [e.action for e in AuditEvent.objects.exclude(action="token.issued").order_by("id")] == [
        "person.created",
        "person.viewed",
        "consent.given",
        "screening.created",
    ]
    assert AuditEvent.objects.get(action="person.viewed").purpose == "screening"


def test_explanation_follows_the_request_language(client: Client, cast: Cast) -> None:
    response = _post(client, cast.caseworker_a, ANONYMOUS, **{"Accept-Language": "uk"})

    assert response.status_code == 201
    assert response.json()["assessment"] == _assess_json(
        "--catalogue", "AL", "--indicators", ",".join(INDICATED), "--act", "--language", "uk"
    )


def test_child_catalogue_and_flags_are_stored(client: Client, cast: Cast) -> None:
    body = {
        **ANONYMOUS,
        "catalogue": "CL",
        "indicators": ["CL-EX-01", "CL-EX-02"],
        "vulnerability": {"factors": ["unaccompanied_child", "child"]},
        "needs": ["urgent_medical", "child_protection"],
        "location": {"site_type": "info_line"},
    }
    response = _post(client, cast.hotline, body)

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["assessment"]["population"] == "child"
    assert out["assessment"]["trafficking_indicated"] is True
    assert out["priority"]["reasons"] == [
        "need.urgent_medical",
        "factor.unaccompanied_child",
        "trafficking_indicated",
    ]
    assert out["flags"] == ["child_protection_referral", "immediate_action", "case_required"]
    assert out["location"] == {"voivodeship": "", "site_type": "info_line"}


def test_person_with_consent_on_record_needs_no_new_consent(
    client: Client, cast: Cast, person_a: Person
) -> None:
    earlier = people_services.consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="data_processing",
        given=True,
        method="written",
        date=person_a.created_at.date(),
    )
    response = _post(client, cast.caseworker_a, _with_person(person_a, consent={}))
    assert response.status_code == 201, response.content
    assert response.json()["consent"]["id"] == str(earlier.public_id)
    assert Consent.objects.count() == 1


@pytest.mark.parametrize(
    "consent",
    [
        pytest.param({}, id="empty"),
        pytest.param(None, id="null"),
        pytest.param({"given": False}, id="refused"),
    ],
)
def test_person_without_consent_is_422_and_nothing_is_written(
    client: Client, cast: Cast, person_a: Person, consent: dict[str, Any] | None
) -> None:
    response = _post(client, cast.caseworker_a, _with_person(person_a, consent=consent))

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert [(e["field"], e["pointer"]) for e in response.json()["errors"]] == [
        ("consent", "/consent")
    ]
    _nothing_written()


def test_idempotency_key_replays_the_first_answer_and_creates_once(
    client: Client, cast: Cast
) -> None:
    first = _post(client, cast.caseworker_a, ANONYMOUS, **{"Idempotency-Key": "scr-1"})
    again = _post(client, cast.caseworker_a, ANONYMOUS, **{"Idempotency-Key": "scr-1"})
    other = _post(
        client, cast.caseworker_a, {**ANONYMOUS, "act": False}, **{"Idempotency-Key": "scr-1"}
    )

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert other.status_code == 422
    assert Screening.objects.count() == 1
    assert len(_events("screening.created")) == 1


def test_a_refused_create_does_not_burn_the_idempotency_key(client: Client, cast: Cast) -> None:
    bad = _post(
        client, cast.caseworker_a, {**ANONYMOUS, "needs": ["water"]}, **{"Idempotency-Key": "k"}
    )
    good = _post(client, cast.caseworker_a, ANONYMOUS, **{"Idempotency-Key": "k"})
    assert (bad.status_code, good.status_code) == (422, 201)
    assert Screening.objects.count() == 1


# --- bad input: clear errors, nothing written --------------------------------------


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        pytest.param(
            {"indicators": ["AL-DR-01", "AL-ZZ-99", "CL-EX-01"]},
            {"/indicators": "Not in catalogue AL version 2009-09: AL-ZZ-99, CL-EX-01."},
            id="unknown-indicators",
        ),
        pytest.param(
            {"catalogue": "XX"},
            {"/catalogue": "Unknown catalogue. Use one of: AL, CL."},
            id="unknown-catalogue",
        ),
        pytest.param(
            {"vulnerability": {"factors": ["child", "zz-top", "aa"]}},
            {"/vulnerability/factors": "Unknown vulnerability factors: aa, zz-top."},
            id="unknown-factors",
        ),
        pytest.param(
            {"needs": ["shelter", "water"]},
            {"/needs": "Unknown needs: water."},
            id="unknown-needs",
        ),
        pytest.param(
            {"indicators": ["AL-ZZ-99"], "needs": ["water"]},
            {
                "/indicators": "Not in catalogue AL version 2009-09: AL-ZZ-99.",
                "/needs": "Unknown needs: water.",
            },
            id="two-at-once",
        ),
        pytest.param(
            {"indicators_unknown": ["AL-DR-01", "CL-EX-01", "AL-VD-01"]},
            {
                "/indicators_unknown": "Answered “don't know” must be codes of catalogue AL "
                "not also answered yes: AL-DR-01, CL-EX-01."
            },
            id="unknown-answers-bad",
        ),
        pytest.param(
            {"consent": CONSENT},
            {
                "/consent": "Consent is recorded for a person. Leave it empty for an "
                "anonymous screening."
            },
            id="consent-without-person",
        ),
    ],
)
def test_unknown_codes_are_422_naming_each_and_nothing_is_written(
    client: Client, cast: Cast, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    response = _post(client, cast.caseworker_a, {**ANONYMOUS, **changes})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["title"] == "Invalid input"
    assert body["detail"] == "Some fields are not valid. Nothing was saved."
    assert {e["pointer"]: e["detail"] for e in body["errors"]} == errors
    _nothing_written()


@pytest.mark.parametrize(
    ("changes", "pointers"),
    [
        pytest.param(
            {"location": {"site_type": "beach", "voivodeship": "18"}},
            {"/location/site_type"},
            id="bad-site-type",
        ),
        pytest.param(
            {"location": {"site_type": "border_crossing", "voivodeship": "99"}},
            {"/location/voivodeship"},
            id="bad-voivodeship",
        ),
        pytest.param({"location": {"voivodeship": "18"}}, {"/location/site_type"}, id="no-site"),
        pytest.param({"location": None}, {"/location/site_type"}, id="no-location"),
        pytest.param({"catalogue": ""}, {"/catalogue"}, id="empty-catalogue"),
        pytest.param({"indicators": "AL-DR-01"}, {"/indicators"}, id="indicators-string"),
        pytest.param({"indicators": ["x" * 33]}, {"/indicators/0"}, id="long-code"),
        pytest.param({"act": "maybe"}, {"/act"}, id="act-word"),
        pytest.param({"person": "not-a-uuid"}, {"/person"}, id="person-not-uuid"),
        pytest.param({"interview_language": "xx"}, {"/interview_language"}, id="bad-language"),
        pytest.param(
            {"vulnerability": {"factors": "child"}},
            {"/vulnerability/factors"},
            id="factors-string",
        ),
    ],
)
def test_bad_shapes_are_422_naming_the_field_and_nothing_is_written(
    client: Client, cast: Cast, changes: dict[str, Any], pointers: set[str]
) -> None:
    response = _post(client, cast.caseworker_a, {**ANONYMOUS, **changes})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert {e["pointer"] for e in response.json()["errors"]} == pointers
    _nothing_written()


@pytest.mark.parametrize(
    "consent",
    [
        pytest.param({"given": True}, id="no-method-or-date"),
        pytest.param({**CONSENT, "method": "telepathy"}, id="bad-method"),
        pytest.param({**CONSENT, "date": "2999-01-01"}, id="future-date"),
    ],
)
def test_bad_consent_is_422_and_nothing_is_written(
    client: Client, cast: Cast, person_a: Person, consent: dict[str, Any]
) -> None:
    response = _post(client, cast.caseworker_a, _with_person(person_a, consent=consent))

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"consent"}
    _nothing_written()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"catalogue": "AL",', id="truncated"),
        pytest.param("catalogue=AL", id="form-encoded"),
        pytest.param("[]", id="array"),
        pytest.param("null", id="null"),
    ],
)
def test_malformed_json_is_refused_as_problem_and_nothing_is_written(
    client: Client, cast: Cast, raw: str
) -> None:
    response = _post(client, cast.caseworker_a, raw)

    assert response.status_code in (400, 422)
    assert response["Content-Type"] == PROBLEM
    _nothing_written()


def test_person_of_another_organisation_is_404_like_a_missing_one_and_nothing_is_written(
    client: Client, cast: Cast, person_a: Person
) -> None:
    hidden = _post(client, cast.caseworker_b, _with_person(person_a))
    missing = _post(client, cast.caseworker_b, _with_person(person_a, person=str(uuid.uuid4())))

    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == PROBLEM
    assert hidden.content == missing.content
    _nothing_written()


def test_anonymous_create_is_401_and_writes_nothing(client: Client, cast: Cast) -> None:
    response = client.post(URL, data=json.dumps(ANONYMOUS), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    _nothing_written()


@pytest.mark.parametrize("role", ["analyst", "partner", "trainer", "admin"])
def test_roles_that_may_not_screen_get_404_and_nothing_is_written(
    client: Client, cast: Cast, role: str
) -> None:
    response = _post(client, getattr(cast, role), ANONYMOUS)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    _nothing_written()


# --- read ----------------------------------------------------------------------------


def test_get_answers_what_create_answered_and_is_audited(
    client: Client, cast: Cast, person_a: Person
) -> None:
    created = _post(client, cast.caseworker_a, _with_person(person_a)).json()

    response = client.get(f"{URL}/{created['id']}", headers=_headers(cast.caseworker_a2))

    assert response.status_code == 200
    assert response.json() == created
    viewed = _events("screening.viewed")
    assert len(viewed) == 1
    assert viewed[0].object_id == created["id"]
    assert viewed[0].actor_username == "caseworker2.a"
    assert viewed[0].purpose == "api"
    assert viewed[0].detail == {"via": "api"}


def test_analyst_reads_a_screening_with_the_code_only(
    client: Client, cast: Cast, person_a: Person
) -> None:
    created = _post(client, cast.caseworker_a, _with_person(person_a)).json()

    response = client.get(f"{URL}/{created['id']}", headers=_headers(cast.analyst))

    assert response.status_code == 200
    assert response.json()["person"] == {"id": str(person_a.public_id), "code": person_a.code}
    for word in IDENTITY_WORDS:
        assert word not in response.content.decode()


def test_outsider_gets_404_like_a_missing_id_and_no_viewed_event(
    client: Client, cast: Cast
) -> None:
    created = _post(client, cast.caseworker_a, ANONYMOUS).json()
    headers = _headers(cast.caseworker_b)

    hidden = client.get(f"{URL}/{created['id']}", headers=headers)
    missing = client.get(f"{URL}/{uuid.uuid4()}", headers=headers)

    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == missing["Content-Type"] == PROBLEM
    assert hidden.content == missing.content
    assert hidden.json() == {"type": "about:blank", "title": "Not found", "status": 404}
    assert len(_events("screening.viewed")) == 0


@pytest.mark.parametrize("role", ["partner", "trainer", "admin", "caseworker_a_other_team"])
def test_roles_without_reach_get_404_and_no_viewed_event(
    client: Client, cast: Cast, role: str
) -> None:
    created = _post(client, cast.caseworker_a, ANONYMOUS).json()
    response = client.get(f"{URL}/{created['id']}", headers=_headers(getattr(cast, role)))
    assert response.status_code == 404
    assert len(_events("screening.viewed")) == 0


def test_malformed_id_is_422_without_a_read(client: Client, cast: Cast) -> None:
    response = client.get(f"{URL}/not-a-uuid", headers=_headers(cast.caseworker_a))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["screening_id"]
    assert len(_events("screening.viewed")) == 0


# --- list ----------------------------------------------------------------------------


def _page(client: Client, user: User, **params: Any) -> Any:
    response = client.get(URL, params, headers=_headers(user))
    assert response.status_code == 200, response.content
    return response.json()


def _create_many(client: Client, user: User, n: int) -> list[str]:
    return [_post(client, user, ANONYMOUS).json()["id"] for _ in range(n)]


def test_cursor_pages_cover_every_screening_once_newest_first(client: Client, cast: Cast) -> None:
    ids = _create_many(client, cast.caseworker_a, 7)

    first = _page(client, cast.caseworker_a, limit=3)
    second = _page(client, cast.caseworker_a, limit=3, cursor=first["next_cursor"])
    third = _page(client, cast.caseworker_a, limit=3, cursor=second["next_cursor"])

    pages = [[item["id"] for item in page["items"]] for page in (first, second, third)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert pages[0] + pages[1] + pages[2] == list(reversed(ids))
    assert third["next_cursor"] is None
    assert all(set(item["assessment"]) == ASSESSMENT_KEYS for item in first["items"])
    assert [e.detail for e in _events("screening.listed")] == [
        {"count": 3, "via": "api", "filters": []},
        {"count": 3, "via": "api", "filters": ["cursor"]},
        {"count": 1, "via": "api", "filters": ["cursor"]},
    ]
    assert len(_events("screening.viewed")) == 0


def test_garbage_cursor_is_400_and_nothing_is_listed(client: Client, cast: Cast) -> None:
    response = client.get(URL, {"cursor": "garbage"}, headers=_headers(cast.caseworker_a))
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert len(_events("screening.listed")) == 0


def test_outsider_lists_none_of_organisation_a(client: Client, cast: Cast) -> None:
    _create_many(client, cast.caseworker_a, 2)
    own = _create_many(client, cast.caseworker_b, 1)

    body = _page(client, cast.caseworker_b)

    assert [item["id"] for item in body["items"]] == own
    assert [e.detail["count"] for e in _events("screening.listed")] == [1]


def test_hotline_operator_lists_only_their_own_screenings(client: Client, cast: Cast) -> None:
    _create_many(client, cast.caseworker_a, 2)
    mine = _create_many(client, cast.hotline, 2)

    assert [item["id"] for item in _page(client, cast.hotline)["items"]] == list(reversed(mine))
    # The hotline works in team A: the team's caseworkers see its screenings too.
    assert len(_page(client, cast.caseworker_a)["items"]) == 4
    assert len(_page(client, cast.caseworker_a_other_team)["items"]) == 0


def test_analyst_lists_the_organisation_with_codes_only(
    client: Client, cast: Cast, person_a: Person
) -> None:
    _post(client, cast.caseworker_a, _with_person(person_a))
    _create_many(client, cast.caseworker_a_other_team, 1)
    _create_many(client, cast.caseworker_b, 1)

    response = client.get(URL, headers=_headers(cast.analyst))

    items = response.json()["items"]
    assert len(items) == 2
    assert {item["organisation"] for item in items} == {"ORGA"}
    assert items[1]["person"] == {"id": str(person_a.public_id), "code": person_a.code}
    for word in IDENTITY_WORDS:
        assert word not in response.content.decode()


def test_roles_without_screening_view_list_nothing(client: Client, cast: Cast) -> None:
    _create_many(client, cast.caseworker_a, 1)
    for role in ("partner", "trainer", "admin"):
        assert _page(client, getattr(cast, role)) == {"items": [], "next_cursor": None}


def test_list_query_count_does_not_grow_with_the_page(
    client: Client, cast: Cast, person_a: Person, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        _post(client, cast.caseworker_a, _with_person(person_a))
    headers = _headers(cast.caseworker_a)
    with django_assert_max_num_queries(8):
        response = client.get(URL, headers=headers)
    assert len(response.json()["items"]) == 5


# --- the audit trail -------------------------------------------------------------------


def test_audit_counts_are_exact_and_hold_no_identity_or_screening_values(
    client: Client, cast: Cast, person_a: Person
) -> None:
    created = _post(client, cast.caseworker_a, _with_person(person_a)).json()
    anonymous = _post(client, cast.caseworker_a, ANONYMOUS).json()
    for screening_id in (created["id"], anonymous["id"], created["id"]):
        client.get(f"{URL}/{screening_id}", headers=_headers(cast.caseworker_a))
    _page(client, cast.caseworker_a)

    assert len(_events("screening.created")) == 2
    assert [e.object_id for e in _events("screening.viewed")] == [
        created["id"],
        anonymous["id"],
        created["id"],
    ]
    assert len(_events("screening.listed")) == 1
    assert len(_events("consent.given")) == 1
    dump = json.dumps(list(AuditEvent.objects.values()), default=str)
    for value in (*IDENTITY_WORDS, person_a.code, "AL-DR-01", "financial_problems", "shelter"):
        assert value not in dump


def test_openapi_documents_the_screening_answers(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/screenings"]["post"]["responses"]) >= {
        "201",
        "400",
        "401",
        "404",
        "409",
        "422",
    }
    assert set(paths["/api/v1/screenings"]["get"]["responses"]) >= {"200", "401", "422"}
    assert set(paths["/api/v1/screenings/{screening_id}"]["get"]["responses"]) >= {"200", "404"}


def test_dont_know_answers_are_stored_and_returned(client: Client, cast: Cast) -> None:
    response = _post(
        client, cast.caseworker_a, {**ANONYMOUS, "indicators_unknown": ["AL-VD-02", "AL-VD-01"]}
    )
    assert response.status_code == 201
    assert response.json()["indicators_unknown"] == ["AL-VD-01", "AL-VD-02"]
    assert Screening.objects.get().indicators_unknown == ["AL-VD-01", "AL-VD-02"]
    # "Don't know" is not an indicator: the assessment is the same as without it.
    assert response.json()["assessment"]["trafficking_indicated"] is True
    assert response.json()["assessment"]["dimensions"]["VD"]["indicators"] == []
