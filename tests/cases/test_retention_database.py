"""After retention or an executed erasure, the person's identity is nowhere in the
database: not as text, not as its blind index, not as the encrypted tokens that held
it, and no encrypted value that is left decrypts to any of it. The whole database is
searched, as `tests/core/test_canary.py` does: SQLite's dump, or `pg_dump`."""

import json
import logging
import os
import shutil
import subprocess
from typing import Any

import pytest
from django.db import connection, models
from django.db.models.functions import Cast as SqlCast
from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case
from safepath.cases.models.retention import ErasureRequest
from safepath.cases.retention_services import run_retention
from safepath.core import crypto
from safepath.core.management.commands.rotate_keys import encrypted_fields
from safepath.people.models import Person
from tests.cases.retention_setup import Canaries, close, full_case
from tests.conftest import Cast

EXPIRED = 1900


def _tokens() -> set[str]:
    """Every encrypted value stored, as its token (not decrypted)."""
    found: set[str] = set()
    for model, fields in encrypted_fields():
        raw = {f"_raw_{f.name}": SqlCast(f.name, output_field=models.TextField()) for f in fields}
        for row in model._base_manager.annotate(**raw).values_list(*raw):
            found.update(token for token in row if token)
    return found


def _plaintexts() -> list[str]:
    """Every encrypted value stored, decrypted."""
    return [crypto.decrypt(token) for token in _tokens()]


def _database_text() -> str:
    """Everything the database holds, as text: SQLite's logical dump (the file's free
    pages may keep old bytes until VACUUM, as any database's free space does), or
    `pg_dump` of the committed data."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    assert connection.vendor == "postgresql"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        if os.environ.get("CI"):
            pytest.fail("pg_dump is missing: .ci/run installs postgresql-client")
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    db = connection.settings_dict
    result = subprocess.run(
        [
            pg_dump,
            "--host",
            str(db.get("HOST") or "127.0.0.1"),
            "--port",
            str(db.get("PORT") or 5432),
            "--username",
            str(db.get("USER") or "postgres"),
            "--no-password",
            str(db["NAME"]),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE public.cases_case" in result.stdout
    return result.stdout


def _identity_of(case: Case, c: Canaries, *, stored: int = 20) -> tuple[list[str], set[str]]:
    """What must vanish: the typed values, the blind indexes, and the tokens that hold
    them now (read before the anonymisation)."""
    person = Person.objects.get(pk=case.person_id)
    indexes = [person.name_index, person.phone_index]
    assert all(len(index) == 64 for index in indexes)
    tokens = _tokens()
    # Encrypted: 18 of the values, the date of birth and the second note (and the text of
    # an erasure request). The family court, who does a plan item and the police's
    # reference are plain text.
    assert len(tokens) == stored
    return [*c.values(), c.phone.replace(" ", ""), *indexes], tokens


def _assert_gone(case: Case, values: list[str], tokens: set[str], logs: str) -> None:
    database = _database_text()
    assert case.person.code in database  # the dump is real and holds this test's rows
    assert str(case.public_id).replace("-", "") in database.replace("-", "")
    for value in values:
        assert value not in database, f"in the database: {value}"
        assert value not in logs, f"in the logs: {value}"
    assert not [token for token in tokens if token in database]
    left = _plaintexts()
    assert not [value for value in values if any(value in text for text in left)]
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert not [value for value in values if value in audit]


def test_retention_leaves_no_trace_of_the_identity_in_the_database(
    transactional_db: None, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    c = Canaries.new()
    case = close(cast, full_case(cast, c), days_ago=EXPIRED)
    values, tokens = _identity_of(case, c)
    before = _database_text()
    assert c.family_name not in before  # encrypted at rest from the start...
    assert values[-2] in before  # ...but the blind index is there, in clear
    assert c.court in before
    assert c.police_reference in before

    assert run_retention(via="test").as_dict()["people"] == 1

    _assert_gone(case, values, tokens, caplog.text)


def test_an_executed_erasure_leaves_no_trace_of_the_identity_in_the_database(
    transactional_db: None, cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    c = Canaries.new()
    case = close(cast, full_case(cast, c), days_ago=3)
    base = f"/en/app/cases/{case.public_id}/erasure/"
    worker, supervisor = Client(), Client()
    worker.force_login(cast.caseworker_a)
    supervisor.force_login(cast.supervisor_a)
    reason = f"asked in writing by {c.given_name} {c.family_name}"
    worker.post(base, {"erasure-reason": "gdpr_art17", "erasure-detail": reason})
    request = ErasureRequest.objects.get()
    values, tokens = _identity_of(case, c, stored=21)
    values.append(reason)

    response: Any = supervisor.post(
        f"{base}{request.public_id}/decide/",
        {"erasure_decision-decision": "approve", "erasure_decision-comment": c.given_name},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "executed"

    _assert_gone(case, values, tokens, caplog.text)
