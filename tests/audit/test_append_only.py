"""The audit trail is append-only, and events never carry values."""

import pytest
from django.db import DatabaseError, connection, transaction

from safepath.audit.events import record
from safepath.audit.models import AuditEvent
from tests.conftest import Cast

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (SQLite is the demo database)",
)


@needs_postgresql
def test_database_refuses_to_update_an_event(cast: Cast) -> None:
    event = record(actor=cast.caseworker_a, action="person.viewed", object_id="p-1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "person.viewed"
    assert stored.object_id == "p-1"


@needs_postgresql
def test_database_refuses_to_save_a_changed_event(cast: Cast) -> None:
    event = record(actor=cast.caseworker_a, action="person.viewed")
    event.actor_username = "someone.else"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "caseworker.a"


@needs_postgresql
def test_database_refuses_to_delete_an_event(cast: Cast) -> None:
    event = record(actor=cast.caseworker_a, action="person.viewed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.count() == 1
    assert AuditEvent.objects.get(pk=event.pk).action == "person.viewed"


@needs_postgresql
def test_raw_sql_is_refused_too(cast: Cast) -> None:
    event = record(actor=cast.caseworker_a, action="person.viewed")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "person.viewed"


def test_appending_still_works(cast: Cast) -> None:
    record(actor=cast.caseworker_a, action="person.viewed")
    record(actor=cast.caseworker_a, action="person.viewed")
    assert AuditEvent.objects.count() == 2


@pytest.mark.parametrize("key", ["given_name", "query", "password", "value", "note"])
def test_record_refuses_detail_keys_outside_the_allow_list(cast: Cast, key: str) -> None:
    with pytest.raises(ValueError, match=f"audit detail keys not allowed: \\['{key}'\\]"):
        record(actor=cast.caseworker_a, action="person.viewed", detail={key: "Oksana"})
    assert AuditEvent.objects.count() == 0


def test_record_refuses_a_mix_of_allowed_and_forbidden_keys(cast: Cast) -> None:
    with pytest.raises(ValueError, match=r"\['search', 'text'\]"):
        record(
            actor=cast.caseworker_a,
            action="person.searched",
            detail={"count": 3, "text": "Oksana", "search": "Melnyk"},
        )
    assert AuditEvent.objects.count() == 0


def test_record_accepts_every_allowed_key(cast: Cast) -> None:
    detail = {
        "count": 1,
        "fields": ["family_name"],
        "filters": ["voivodeship"],
        "reason": "max_age",
        "method": "totp",
        "via": "web",
        "token_prefix": "abcdef",
        "language": "pl",
        "target": "ORGB",
    }
    event = record(actor=cast.caseworker_a, action="person.changed", detail=detail)
    assert AuditEvent.objects.get(pk=event.pk).detail == detail


def test_record_fills_in_who_from_the_actor(cast: Cast) -> None:
    event = record(actor=cast.supervisor_a, action="person.viewed", purpose="case_management")
    assert (event.actor_id, event.actor_username, event.organisation_code, event.role) == (
        cast.supervisor_a.pk,
        "supervisor.a",
        "ORGA",
        "supervisor",
    )
    assert event.purpose == "case_management"
    anonymous = record(actor=None, action="auth.login_failed", username="x" * 200)
    assert anonymous.actor_id is None
    assert anonymous.actor_username == "x" * 150
    assert anonymous.organisation_code == ""
