"""The case's history: historic trafficking events (HTCDS hte_) and perpetrators
(per_), their free text encrypted and shown only to roles that may see identity,
written only by who may change the case, and emptied by retention."""

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.cases.history_services import (
    perpetrator_add,
    perpetrator_remove,
    trafficking_event_add,
    trafficking_event_remove,
)
from safepath.cases.models import Case, CaseEvent
from safepath.cases.models.history import CasePerpetrator, TraffickingEvent
from safepath.cases.retention_services import run_retention
from safepath.cases.services import CaseInvalid
from safepath.cases.timeline import describe
from safepath.core.exceptions import NotAllowed
from tests.cases.retention_setup import close
from tests.conftest import Cast

PLACE = "Hotel Zorza, ul. Długa 5"
STORY = "Promised work in a bakery; passport taken on arrival."
ALIAS = "Wujek Tadek"
LOOKS = "Tall, scar on the left hand"


def _base(case: Case) -> str:
    return f"/en/app/cases/{case.public_id}/history/"


def _add_event(client: Client, case: Case, **values: str) -> Any:
    data = {
        "hte-kind": "Recruitment",
        "hte-country": "UKR",
        "hte-place": PLACE,
        "hte-date": "2025-06-01",
        "hte-description": STORY,
    }
    data.update({f"hte-{key}": value for key, value in values.items()})
    return client.post(f"{_base(case)}events/", data)


def _add_perpetrator(client: Client, case: Case, **values: str) -> Any:
    data = {
        "per-role": "RecruiterOrIntermediary",
        "per-sex": "male",
        "per-nationality": "POL",
        "per-name": ALIAS,
        "per-description": LOOKS,
    }
    data.update({f"per-{key}": value for key, value in values.items()})
    return client.post(f"{_base(case)}perpetrators/", data)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _written() -> int:
    return AuditEvent.objects.exclude(action__startswith="auth.").count()


def _filled(cast: Cast, case: Case) -> tuple[TraffickingEvent, CasePerpetrator]:
    event = trafficking_event_add(
        actor=cast.caseworker_a,
        case=case,
        kind="Exploitation",
        country="POL",
        place=PLACE,
        date=datetime.date(2025, 7, 1),
        description=STORY,
    )
    perpetrator = perpetrator_add(
        actor=cast.caseworker_a,
        case=case,
        role="Exploiter",
        sex="female",
        nationality="UKR",
        name=ALIAS,
        description=LOOKS,
    )
    return event, perpetrator


# --- add, list, remove ---------------------------------------------------------------------


def test_a_caseworker_adds_lists_and_removes_events_and_perpetrators(
    cast: Cast, case_a: Case, login: Any
) -> None:
    client = login(cast.caseworker_a)
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert f'href="{_base(case_a)}events/"' in page
    assert f'href="{_base(case_a)}perpetrators/"' in page
    for form_page, field in (("events/", "hte-country"), ("perpetrators/", "per-nationality")):
        form = client.get(f"{_base(case_a)}{form_page}")
        assert form.status_code == 200
        assert f'name="{field}"' in form.content.decode()
    response = _add_event(client, case_a)
    assert response.status_code == 302
    assert "Trafficking event added." in _messages(response)
    assert _add_event(client, case_a, kind="Transit", country="", place="", date="").status_code
    response = _add_perpetrator(client, case_a)
    assert "Perpetrator added." in _messages(response)
    recruitment, transit = TraffickingEvent.objects.order_by("pk")
    assert (recruitment.kind, recruitment.country, recruitment.date) == (
        "Recruitment",
        "UKR",
        datetime.date(2025, 6, 1),
    )
    assert (recruitment.place, recruitment.description) == (PLACE, STORY)
    assert (transit.kind, transit.country, transit.date, transit.place) == ("Transit", "", None, "")
    perpetrator = CasePerpetrator.objects.get()
    assert (perpetrator.role, perpetrator.sex, perpetrator.nationality) == (
        "RecruiterOrIntermediary",
        "male",
        "POL",
    )
    assert (perpetrator.name, perpetrator.description) == (ALIAS, LOOKS)

    page = client.get(case_a.get_absolute_url()).content.decode()
    for text in (
        "History of trafficking",
        "Recruitment",
        "Ukraine",
        "Hotel Zorza",
        "Promised work in a bakery",
        "Recruiter or intermediary",
        ALIAS,
        LOOKS,
        "Trafficking event added: Recruitment",
        "Perpetrator added: Recruiter or intermediary",
    ):
        assert text in page, text

    response = client.post(f"{_base(case_a)}events/{recruitment.public_id}/remove/")
    assert "Trafficking event removed." in _messages(response)
    response = client.post(f"{_base(case_a)}perpetrators/{perpetrator.public_id}/remove/")
    assert "Perpetrator removed." in _messages(response)
    assert list(TraffickingEvent.objects.values_list("kind", flat=True)) == ["Transit"]
    assert not CasePerpetrator.objects.exists()

    # Timeline and audit: codes and ids only.
    kinds = list(CaseEvent.objects.filter(case=case_a).values_list("kind", "detail"))
    assert ("trafficking_event_added", {"event": "Recruitment"}) in kinds
    assert ("trafficking_event_removed", {"event": "Recruitment"}) in kinds
    assert ("perpetrator_added", {"role": "RecruiterOrIntermediary"}) in kinds
    assert ("perpetrator_removed", {"role": "RecruiterOrIntermediary"}) in kinds
    removed = CaseEvent.objects.get(kind="perpetrator_removed")
    assert describe(removed) == "Perpetrator removed: Recruiter or intermediary"
    actions = AuditEvent.objects.filter(action__startswith="case.").exclude(action="case.viewed")
    audited = {event.action: event.detail for event in actions if event.action != "case.opened"}
    added = AuditEvent.objects.filter(action="case.trafficking_event_added")
    assert {e.detail["target"] for e in added} == {
        str(recruitment.public_id),
        str(transit.public_id),
    }
    assert audited["case.perpetrator_removed"] == {
        "via": "web",
        "target": str(perpetrator.public_id),
    }
    for detail in audited.values():
        assert set(detail) <= {"via", "target"}
        for secret in (PLACE, STORY, ALIAS, LOOKS):
            assert secret not in str(detail)


def test_bad_input_is_named_and_nothing_is_written(cast: Cast, case_a: Case, login: Any) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CaseInvalid) as caught:
        trafficking_event_add(
            actor=cast.caseworker_a,
            case=case_a,
            kind="Kidnapping",
            country="XXX",
            place="p" * 201,
            date=tomorrow,
            description="d" * 5001,
        )
    assert sorted(e.field for e in caught.value.errors) == [
        "country",
        "date",
        "description",
        "kind",
        "place",
    ]
    with pytest.raises(CaseInvalid) as caught:
        perpetrator_add(
            actor=cast.caseworker_a,
            case=case_a,
            role="Boss",
            sex="robot",
            nationality="UK",
            name="n" * 201,
            description="d" * 5001,
        )
    assert sorted(e.field for e in caught.value.errors) == [
        "description",
        "name",
        "nationality",
        "role",
        "sex",
    ]
    client = login(cast.caseworker_a)
    for response in (
        _add_event(client, case_a, kind="Kidnapping"),
        _add_event(client, case_a, country="ZZZ"),
        _add_event(client, case_a, date=tomorrow.isoformat()),
        _add_event(client, case_a, place="p" * 201),
        _add_perpetrator(client, case_a, role="Boss"),
        _add_perpetrator(client, case_a, nationality="ZZZ"),
        _add_perpetrator(client, case_a, name="n" * 201),
    ):
        # The form comes back with the reason and what was typed; nothing is saved.
        assert response.status_code == 200
        assert b'class="error"' in response.content, "every refusal is said"
    assert (
        "This date cannot be in the future."
        in _add_event(client, case_a, date=tomorrow.isoformat()).content.decode()
    )
    assert PLACE in _add_event(client, case_a, kind="Kidnapping").content.decode()
    assert not TraffickingEvent.objects.exists()
    assert not CasePerpetrator.objects.exists()
    assert not CaseEvent.objects.filter(kind__contains="perpetrator").exists()
    assert not CaseEvent.objects.filter(kind__startswith="trafficking_event").exists()


def test_free_text_is_encrypted_at_rest(cast: Cast, case_a: Case) -> None:
    event, perpetrator = _filled(cast, case_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT place, description FROM cases_traffickingevent WHERE id = %s", [event.pk]
        )
        place, description = cursor.fetchone()
        cursor.execute(
            "SELECT name, description FROM cases_caseperpetrator WHERE id = %s", [perpetrator.pk]
        )
        name, looks = cursor.fetchone()
    pairs = ((place, "Zorza"), (description, "bakery"), (name, "Tadek"), (looks, "scar"))
    for raw, secret in pairs:
        assert raw
        assert secret not in raw
    fresh = TraffickingEvent.objects.get(pk=event.pk)
    assert (fresh.place, fresh.description) == (PLACE, STORY)


# --- who sees and does what ---------------------------------------------------------------


def test_analyst_sees_the_codes_but_no_identifying_details_and_cannot_write(
    cast: Cast, case_a: Case, login: Any
) -> None:
    event, _perpetrator = _filled(cast, case_a)
    written = _written()
    client = login(cast.analyst)
    assert _add_event(client, case_a).status_code == 404
    assert _add_perpetrator(client, case_a).status_code == 404
    assert client.get(f"{_base(case_a)}events/").status_code == 404
    assert client.post(f"{_base(case_a)}events/{event.public_id}/remove/").status_code == 404
    assert _written() == written
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Exploitation" in page
    assert "Exploiter" in page
    for secret in ("Zorza", "bakery", "Tadek", "scar"):
        assert secret not in page, secret
    assert f"{_base(case_a)}events/" not in page
    assert TraffickingEvent.objects.count() == 1
    assert CasePerpetrator.objects.count() == 1


def test_outsiders_get_404_and_nothing_is_written(cast: Cast, case_a: Case, login: Any) -> None:
    event, perpetrator = _filled(cast, case_a)
    written = _written()
    timeline = CaseEvent.objects.count()
    for user in (
        cast.caseworker_b,
        cast.caseworker_a_other_team,
        cast.hotline,
        cast.partner,
        cast.trainer,
        cast.admin,
    ):
        client = login(user)
        assert _add_event(client, case_a).status_code == 404, user.username
        assert _add_perpetrator(client, case_a).status_code == 404, user.username
        assert client.get(f"{_base(case_a)}events/").status_code == 404, user.username
        assert client.get(f"{_base(case_a)}perpetrators/").status_code == 404, user.username
        assert client.post(f"{_base(case_a)}events/{event.public_id}/remove/").status_code == 404, (
            user.username
        )
        assert (
            client.post(f"{_base(case_a)}perpetrators/{perpetrator.public_id}/remove/").status_code
            == 404
        ), user.username
    assert _written() == written
    assert CaseEvent.objects.count() == timeline
    # A row of the case that is not there, and GET, for someone who may change it.
    supervisor = login(cast.supervisor_a)
    assert supervisor.post(f"{_base(case_a)}events/{uuid.uuid4()}/remove/").status_code == 404
    assert (
        supervisor.post(f"{_base(case_a)}perpetrators/{event.public_id}/remove/").status_code == 404
    )
    assert supervisor.put(f"{_base(case_a)}events/").status_code == 405
    assert TraffickingEvent.objects.count() == 1
    assert CasePerpetrator.objects.count() == 1
    with pytest.raises(NotAllowed):
        trafficking_event_add(actor=cast.caseworker_b, case=case_a, kind="Transit")
    with pytest.raises(NotAllowed):
        perpetrator_remove(actor=cast.caseworker_b, perpetrator=perpetrator)


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    event, perpetrator = _filled(cast, case_a)
    written = AuditEvent.objects.count()
    for response in (
        _add_event(client, case_a),
        _add_perpetrator(client, case_a),
        client.get(f"{_base(case_a)}events/"),
        client.post(f"{_base(case_a)}events/{event.public_id}/remove/"),
        client.post(f"{_base(case_a)}perpetrators/{perpetrator.public_id}/remove/"),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert AuditEvent.objects.count() == written
    assert TraffickingEvent.objects.count() == 1
    assert CasePerpetrator.objects.count() == 1


# --- anonymised cases and retention ---------------------------------------------------------


def test_an_anonymised_case_refuses_writes(cast: Cast, case_a: Case, login: Any) -> None:
    event, _perpetrator = _filled(cast, case_a)
    Case.objects.filter(pk=case_a.pk).update(anonymised_at=timezone.now())
    case_a.refresh_from_db()
    with pytest.raises(CaseInvalid, match="anonymised"):
        trafficking_event_add(actor=cast.caseworker_a, case=case_a, kind="Transit")
    with pytest.raises(CaseInvalid, match="anonymised"):
        perpetrator_add(actor=cast.caseworker_a, case=case_a, role="Other")
    with pytest.raises(CaseInvalid, match="anonymised"):
        trafficking_event_remove(actor=cast.caseworker_a, event=event)
    client = login(cast.caseworker_a)
    assert _add_event(client, case_a).status_code == 404
    assert client.post(f"{_base(case_a)}events/{event.public_id}/remove/").status_code == 404
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert f"{_base(case_a)}events/" not in page
    assert TraffickingEvent.objects.count() == 1
    assert CasePerpetrator.objects.count() == 1


def test_retention_clears_the_free_text_and_keeps_the_codes(cast: Cast, case_a: Case) -> None:
    event, perpetrator = _filled(cast, case_a)
    case = close(cast, case_a, days_ago=1900)
    assert run_retention().cases == 1
    event = TraffickingEvent.objects.get(pk=event.pk)
    perpetrator = CasePerpetrator.objects.get(pk=perpetrator.pk)
    assert (event.place, event.description) == ("", "")
    assert (event.kind, event.country, event.date) == (
        "Exploitation",
        "POL",
        datetime.date(2025, 7, 1),
    )
    assert (perpetrator.name, perpetrator.description) == ("", "")
    assert (perpetrator.role, perpetrator.sex, perpetrator.nationality) == (
        "Exploiter",
        "female",
        "UKR",
    )
    audit = AuditEvent.objects.get(action="case.anonymised", object_id=str(case.public_id))
    for field in (
        "trafficking_event.place",
        "trafficking_event.description",
        "case_perpetrator.name",
        "case_perpetrator.description",
    ):
        assert field in audit.detail["fields"], field
