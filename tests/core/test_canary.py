"""Canary values typed into safepath never leave it in plaintext.

A person is registered through the web form and another through the API with
unique values; both are viewed, listed, searched and edited, bad input carrying
further canaries is sent, and an outsider knocks. Then the canaries must be
absent from every log line (root logger at DEBUG, SQL logging on, stdout and
stderr), from the raw database (the SQLite file's bytes, or `pg_dump`), from
the audit trail and from the session store.
"""

import json
import logging
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from tests.conftest import Cast


def _digits(n: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(n))


class Canaries:
    """One set of unique values per door; `forms` lists every spelling to look for."""

    def __init__(self, door: str) -> None:
        tag = secrets.token_hex(4)
        self.given_name = f"Canaryxq7{door}{tag}"
        self.family_name = f"Kanarekzz{door}{tag}"
        self.local_phone = f"601{_digits(6)}"
        self.document_number = f"CNRYDOC{door.upper()}{tag.upper()}"
        self.address = f"Canarystreet {door} {tag}"
        self.notes = f"canary-note-{door}-{tag}"
        self.edited_notes = f"canary-edit-{door}-{tag}"
        self.rejected_name = f"Canaryrejected{door}{tag}"

    @property
    def phone_typed(self) -> str:
        p = self.local_phone
        return f"+48 {p[:3]} {p[3:6]} {p[6:]}"

    @property
    def forms(self) -> list[str]:
        p = self.local_phone
        return [
            self.given_name,
            self.family_name,
            self.given_name.lower(),
            f"{self.given_name} {self.family_name}",
            p,
            f"+48{p}",
            f"{p[:3]} {p[3:6]} {p[6:]}",
            self.document_number,
            self.address,
            self.notes,
            self.edited_notes,
            self.rejected_name,
        ]


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Root at DEBUG, the non-propagating loggers too, and every SQL statement with its params."""
    caplog.set_level(logging.DEBUG)
    quiet = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    saved = [(logger, logger.level) for logger in quiet]
    for logger in quiet:
        logger.addHandler(caplog.handler)
        logger.setLevel(logging.DEBUG)
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        yield caplog
    finally:
        connection.force_debug_cursor = False
        for logger, level in saved:
            logger.removeHandler(caplog.handler)
            logger.setLevel(level)


def _web_journey(client: Client, cast: Cast, c: Canaries) -> Person:
    client.force_login(cast.caseworker_a)
    assert client.get(reverse("people:create")).status_code == 200
    form = {
        "given_name": c.given_name,
        "family_name": c.family_name,
        "date_of_birth": "1986-05-17",
        "phone": c.phone_typed,
        "document_number": c.document_number,
        "address": c.address,
        "notes": c.notes,
        "sex": "female",
        "age_band": "unknown",
        "nationality": "UKR",
        "languages": ["uk"],
        "voivodeship": "14",
        "protection_status": "unknown",
    }
    rejected = client.post(
        reverse("people:create"), {**form, "given_name": c.rejected_name, "phone": "12"}
    )
    assert rejected.status_code == 200
    created = client.post(reverse("people:create"), form, follow=True)
    assert created.status_code == 200
    person = _only_new(c)
    assert c.given_name in created.content.decode()
    assert client.get(reverse("people:list")).status_code == 200
    for query in (f"{c.given_name} {c.family_name}", c.phone_typed, c.local_phone, person.code):
        found = client.post(reverse("people:search"), {"query": query})
        assert [p.pk for p, _ in found.context["rows"]] == [person.pk]
    edit_url = reverse("people:edit", kwargs={"person_id": person.public_id})
    assert client.get(edit_url).status_code == 200
    edited = client.post(edit_url, {**form, "notes": c.edited_notes, "version": 1})
    assert edited.status_code == 302
    return person


def _only_new(c: Canaries) -> Person:
    matches = [p for p in Person.objects.all() if p.given_name == c.given_name]
    assert len(matches) == 1
    return matches[0]


def _api_journey(client: Client, cast: Cast, c: Canaries) -> Person:
    raw, _token = token_issue(user=cast.caseworker_a2)
    body = {
        "given_name": c.given_name,
        "family_name": c.family_name,
        "date_of_birth": "1992-09-30",
        "phone": c.phone_typed,
        "document_number": c.document_number,
        "address": c.address,
        "notes": c.notes,
        "sex": "male",
        "nationality": "BLR",
        "voivodeship": "06",
    }
    rejected = client.post(
        "/api/v1/people",
        data=json.dumps({**body, "given_name": c.rejected_name, "voivodeship": "99"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert rejected.status_code == 422
    assert c.rejected_name not in rejected.content.decode()
    created = client.post(
        "/api/v1/people",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert created.status_code == 201
    person_id = created.json()["id"]
    read = client.get(f"/api/v1/people/{person_id}", headers={"Authorization": f"Bearer {raw}"})
    assert read.json()["identity"]["given_name"] == c.given_name
    assert (
        client.get("/api/v1/people", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    )
    return Person.objects.get(public_id=person_id)


def _database_text(tmp_path: Path) -> str:
    """Everything the database holds, as text: the SQLite file's bytes or a pg_dump."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        dump = "\n".join(connection.connection.iterdump())
        return copy.read_bytes().decode("utf-8", errors="replace") + "\n" + dump
    assert connection.vendor == "postgresql"
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        if os.environ.get("CI"):
            pytest.fail("pg_dump is missing: .ci/run installs postgresql-client")
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
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
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE public.people_person" in result.stdout
    return result.stdout


def test_canaries_appear_in_no_log_no_database_byte_and_no_audit_event(
    transactional_db: None,
    cast: Cast,
    client: Client,
    everything_logged: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    web, api = Canaries("web"), Canaries("api")

    web_person = _web_journey(client, cast, web)
    api_person = _api_journey(Client(), cast, api)
    outsider = Client()
    outsider.force_login(cast.caseworker_b)
    assert outsider.get(web_person.get_absolute_url()).status_code == 404
    assert outsider.post(reverse("people:search"), {"query": web.given_name}).status_code == 200

    # The journeys really happened and were audited.
    assert Person.objects.count() == 2
    assert Person.objects.get(pk=web_person.pk).notes == web.edited_notes
    assert AuditEvent.objects.filter(action="person.created").count() == 2
    assert AuditEvent.objects.filter(action="person.searched").count() == 5
    assert AuditEvent.objects.filter(action="person.viewed").count() >= 3
    assert any("people_person" in r.getMessage() for r in everything_logged.records)

    out, err = capfd.readouterr()
    logs = "\n".join(
        [everything_logged.text, out, err]
        + [f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in everything_logged.records]
    )
    database = _database_text(tmp_path)
    assert api_person.code in database  # the dump is real and holds this test's rows
    audit = json.dumps(list(AuditEvent.objects.values()), default=str)
    sessions = json.dumps([s.get_decoded() for s in Session.objects.all()], default=str)

    for canary in web.forms + api.forms:
        assert canary not in logs, f"canary in logs: {canary}"
        assert canary not in database, f"canary in database: {canary}"
        assert canary not in audit, f"canary in audit: {canary}"
        assert canary not in sessions, f"canary in sessions: {canary}"
