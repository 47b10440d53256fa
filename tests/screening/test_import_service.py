"""The import service: stored exactly as `screening_create` stores, consented submissions
register the person and their consent, unconsented identity is never stored, and a bad
file writes nothing at all."""

import datetime
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.core.crypto import blind_index
from safepath.people.models import Consent, Person
from safepath.people.selectors import name_index_for, phone_index_for
from safepath.screening import import_service, services
from safepath.screening.imports import SOURCE
from safepath.screening.models import Screening, SiteType
from safepath.screening.vulnerability import FACTORS, NEED_CODES
from safepath.screening.xlsform import indicator_field
from tests.conftest import Cast
from tests.screening.test_import import INDICATED, _adult, _child, _kobo

# Fields every screening has of its own, whatever stored it.
OWN_FIELDS = {"id", "public_id", "created_at", "updated_at", "source", "source_instance_id"}


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        json.dumps({"count": len(records), "next": None, "previous": None, "results": records}),
        encoding="utf-8",
    )
    return path


def _consented(number: int, **changes: str) -> dict[str, str]:
    fields = {
        "consent": "yes",
        "consent_method": "oral_witnessed",
        "given_name": "Olena",
        "family_name": f"Kovalenko{number}",
        "phone": "+380 67 123 4567",
        "date_of_birth": "1991-04-02",
        "sex": "female",
        "today": "2025-11-28",
        "end": "2025-11-28T10:15:00.000+01:00",
        "_submission_time": "2025-11-30T08:00:00",
    }
    fields.update(changes)
    return _adult(number, **fields)


def _stored(screening: Screening) -> dict[str, Any]:
    return {
        field.attname: getattr(screening, field.attname)
        for field in Screening._meta.concrete_fields
        if field.attname not in OWN_FIELDS
    }


def _database_text() -> str:
    """Every value of every table, as text: what a copy of the database would show."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


# --- stored exactly as screening_create stores --------------------------------------------


def _varied(count: int) -> list[tuple[dict[str, str], dict[str, Any]]]:
    """Seeded submissions of both paths, with the arguments screening_create takes for
    the same answers."""
    rng = random.Random(2025)
    adult_codes = [*INDICATED, "AL-DR-03"]
    factors = [factor.code for factor in FACTORS]
    cases = []
    for number in range(1, count + 1):
        child = number % 3 == 0
        fields = _child(number) if child else _adult(number)
        for name in list(fields):
            if name[:2] in ("AL", "CL") and name.count("_") == 2:
                del fields[name]
        codes = ["CL-EX-01", "CL-EX-02"] if child else adult_codes
        chosen = sorted(rng.sample(codes, rng.randint(0, len(codes))))
        for code in chosen:
            fields[indicator_field(code)] = "yes"
        remaining = sorted(set(codes) - set(chosen))
        dont_know = [rng.choice(remaining)] if number % 2 and remaining else []
        for code in dont_know:
            fields[indicator_field(code)] = "dont_know"
        act = rng.random() < 0.5
        fields["act"] = "yes" if act else "no"
        chosen_factors = rng.sample(factors, rng.randint(0, 4))
        chosen_needs = rng.sample(list(NEED_CODES), rng.randint(0, 3))
        fields["factors"] = " ".join(chosen_factors)
        fields["needs"] = " ".join(chosen_needs)
        fields["site_type"] = rng.choice(SiteType.values)
        fields["voivodeship"] = rng.choice(["", "06", "18", "14"])
        arguments = {
            "catalogue": "CL" if child else "AL",
            "indicators": chosen,
            "indicators_unknown": dont_know,
            "act": act if child else False,
            "factors": chosen_factors,
            "needs": chosen_needs,
            "location": services.Location(
                site_type=fields["site_type"], voivodeship=fields["voivodeship"]
            ),
            "interview_language": fields["interview_language"],
        }
        if not child:
            fields["act"] = "no"
        cases.append((fields, arguments))
    return cases


def test_imported_screenings_are_stored_as_screening_create_stores_them(
    cast: Cast, tmp_path: Path
) -> None:
    cases = _varied(30)
    path = _write(tmp_path / "varied.json", [_kobo(fields) for fields, _arguments in cases])

    result = import_service.import_file(path, actor=cast.supervisor_a)

    assert result == import_service.ImportResult(created=30, duplicates_skipped=0)
    imported = list(Screening.objects.filter(source=SOURCE).order_by("id"))
    assert len(imported) == 30
    for screening, (_fields, arguments) in zip(imported, cases, strict=True):
        direct = services.screening_create(
            actor=cast.supervisor_a, person=None, consent=None, via="api", **arguments
        )
        assert _stored(screening) == _stored(direct)
        assert screening.source_instance_id is not None
    assert {s.priority for s in imported} == {"urgent", "high", "standard"}
    unknown = [s.indicators_unknown for s in imported]
    assert unknown == [arguments["indicators_unknown"] for _fields, arguments in cases]
    assert sum(1 for codes in unknown if codes) >= 10
    assert any(s.result["trafficking_indicated"] for s in imported)


def test_every_imported_screening_has_its_created_event(cast: Cast, tmp_path: Path) -> None:
    path = _write(tmp_path / "three.json", [_kobo(_adult(n)) for n in (1, 2, 3)])
    import_service.import_file(path, actor=cast.supervisor_a)

    events = AuditEvent.objects.filter(action="screening.created").order_by("id")
    assert sorted(e.object_id for e in events) == sorted(
        str(s.public_id) for s in Screening.objects.all()
    )
    for event in events:
        assert (event.actor_id, event.actor_username) == (cast.supervisor_a.pk, "supervisor.a")
        assert (event.organisation_code, event.role) == ("ORGA", "supervisor")
        assert (event.object_type, event.outcome, event.detail) == (
            "screening",
            "success",
            {"via": "xlsform"},
        )
    assert AuditEvent.objects.count() == 3


def test_progress_is_reported_after_each_batch(cast: Cast, tmp_path: Path) -> None:
    records = [_kobo(_adult(n)) for n in (1, 2, 3, 4, 5)] + [_kobo(_adult(2))]
    path = _write(tmp_path / "five.json", records)
    seen: list[int] = []
    with import_service.checked(path, batch_size=2) as file:
        result = import_service.import_checked(file, actor=cast.supervisor_a, progress=seen.append)
    assert seen == [2, 4, 6]
    assert result == import_service.ImportResult(created=5, duplicates_skipped=1)


def test_reimport_creates_nothing_more(cast: Cast, tmp_path: Path) -> None:
    path = _write(tmp_path / "mixed.json", [_kobo(_consented(1)), _kobo(_adult(2))])
    first = import_service.import_file(path, actor=cast.supervisor_a)
    counts = (Screening.objects.count(), Person.objects.count(), Consent.objects.count())
    events = AuditEvent.objects.count()

    again = import_service.import_file(path, actor=cast.caseworker_a)

    assert first == import_service.ImportResult(2, 0, people_created=1)
    assert again == import_service.ImportResult(0, 2, people_created=0)
    assert (Screening.objects.count(), Person.objects.count(), Consent.objects.count()) == counts
    assert counts == (2, 1, 1)
    assert AuditEvent.objects.count() == events


# --- consent and identity -----------------------------------------------------------------


def test_a_consented_submission_registers_the_person_and_their_consent(
    cast: Cast, tmp_path: Path
) -> None:
    path = _write(tmp_path / "consented.json", [_kobo(_consented(1)), _kobo(_adult(2))])

    result = import_service.import_file(path, actor=cast.caseworker_a)

    assert result == import_service.ImportResult(2, 0, people_created=1)
    named, anonymous = Screening.objects.order_by("id")
    person = Person.objects.get()
    assert named.person == person
    assert (person.given_name, person.family_name) == ("Olena", "Kovalenko1")
    assert person.phone == "+380671234567"
    assert person.date_of_birth == datetime.date(1991, 4, 2)
    assert (person.sex, person.age_band) == ("female", "18-59")
    assert (person.organisation, person.team, person.created_by) == (
        cast.org_a,
        cast.team_a,
        cast.caseworker_a,
    )
    assert person.name_index == name_index_for("Olena", "Kovalenko1")
    assert person.phone_index == phone_index_for("+380671234567")
    consent = Consent.objects.get()
    assert named.consent == consent
    assert consent.person == person
    assert (consent.purpose, consent.given, consent.method) == (
        "data_processing",
        True,
        "oral_witnessed",
    )
    assert consent.date == datetime.date(2025, 11, 28)  # the form's `today`
    assert (consent.recipient, consent.expires_on, consent.recorded_by) == (
        None,
        None,
        cast.caseworker_a,
    )
    assert anonymous.person is None
    assert anonymous.consent is None
    # Encrypted at rest, like a person registered on the web.
    raw = _database_text()
    assert "Kovalenko1" not in raw
    assert "+380671234567" not in raw
    assert "1991-04-02" not in raw
    created = AuditEvent.objects.get(action="person.created")
    assert (created.object_id, created.detail) == (str(person.public_id), {"via": "xlsform"})
    given = AuditEvent.objects.get(action="consent.given")
    assert (given.object_id, given.purpose, given.detail) == (
        str(person.public_id),
        "data_processing",
        {"target": ""},
    )
    assert AuditEvent.objects.filter(action="screening.created").count() == 2


def test_consented_people_are_found_by_name_and_phone(cast: Cast, tmp_path: Path) -> None:
    path = _write(tmp_path / "consented.json", [_kobo(_consented(n)) for n in (1, 2, 3)])
    import_service.import_file(path, actor=cast.caseworker_a)

    assert Person.objects.filter(name_index=name_index_for("olena", "KOVALENKO2")).count() == 1
    assert Person.objects.filter(phone_index=phone_index_for("+380671234567")).count() == 3
    assert len({person.code for person in Person.objects.all()}) == 3


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({}, datetime.date(2025, 11, 28)),
        ({"today": ""}, datetime.date(2025, 11, 28)),  # from `end`
        ({"today": "", "end": ""}, datetime.date(2025, 11, 30)),  # `_submission_time`
        (
            {"today": "", "end": "", "_submission_time": "", "SubmissionDate": "2025-10-01T08Z"},
            datetime.date(2025, 10, 1),
        ),
        ({"today": "", "end": "", "_submission_time": ""}, None),  # the import's date
    ],
)
def test_the_consent_date_is_the_interview_date(
    cast: Cast, tmp_path: Path, dates: dict[str, str], expected: datetime.date | None
) -> None:
    path = _write(tmp_path / "dated.json", [_kobo(_consented(1, **dates))])
    import_service.import_file(path, actor=cast.caseworker_a)
    assert Consent.objects.get().date == (expected or timezone.localdate())


def test_consent_without_anything_identifying_stays_anonymous(cast: Cast, tmp_path: Path) -> None:
    fields = _consented(1, given_name="", family_name="", phone="", date_of_birth="")
    path = _write(tmp_path / "nameless.json", [_kobo(fields)])

    assert import_service.import_file(path, actor=cast.caseworker_a).people_created == 0

    assert Screening.objects.get().person is None
    assert Person.objects.count() == 0
    assert Consent.objects.count() == 0


def test_without_consent_identifying_answers_are_never_stored(cast: Cast, tmp_path: Path) -> None:
    # A tool that ignores the form's relevance, or a hand-edited export.
    fields = _consented(1, consent="no", given_name="Zoriana", family_name="Tsvitkovska")
    fields |= {"phone": "+48 600 100 200", "date_of_birth": "1987-12-24"}
    path = _write(tmp_path / "refused.json", [_kobo(fields)])

    assert import_service.import_file(path, actor=cast.caseworker_a).created == 1

    assert Person.objects.count() == 0
    assert Consent.objects.count() == 0
    screening = Screening.objects.get()
    assert (screening.person, screening.consent) == (None, None)
    stored = _database_text()
    for value in ("Zoriana", "Tsvitkovska", "600 100 200", "+48600100200", "1987-12-24"):
        assert value not in stored
    for index in (
        name_index_for("Zoriana", "Tsvitkovska"),
        blind_index("+48600100200", kind="phone"),
    ):
        assert index not in stored


def test_without_consent_bad_identifying_answers_are_not_even_read(
    cast: Cast, tmp_path: Path
) -> None:
    fields = _consented(1, consent="no", phone="not a phone", date_of_birth="yesterday")
    path = _write(tmp_path / "refused.json", [_kobo(fields)])
    assert import_service.check_file(path) == []


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"date_of_birth": "02.04.1991"}, "date_of_birth", "not a date (expected YYYY-MM-DD)"),
        ({"date_of_birth": "1991-02-30"}, "date_of_birth", "not a date (expected YYYY-MM-DD)"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"phone": "call me"}, "phone", "Enter the phone number with its country code"),
        ({"phone": "+48 123"}, "phone", "This is not a valid phone number"),
        ({"given_name": "O" * 201}, "given_name", "longer than 200 characters"),
        ({"consent_method": ""}, "consent_method", "required when consent is yes"),
        ({"consent_method": "nod"}, "consent_method", "'nod' is not one of oral_witnessed"),
        ({"sex": "f"}, "sex", "'f' is not one of female, male, other, unknown"),
        ({"today": "28/11/2025"}, "today", "is not a date or a date and time"),
    ],
)
def test_bad_identifying_answers_are_bad_rows(
    cast: Cast, tmp_path: Path, changes: dict[str, str], field: str, reason: str
) -> None:
    records = [_kobo(_consented(1)), _kobo(_consented(2, **changes))]
    path = _write(tmp_path / "bad.json", records)

    errors = import_service.check_file(path)

    assert len(errors) == 1
    assert errors[0].row == "submission 2 (00000000-0000-4000-8000-000000000002)"
    assert errors[0].field == field
    assert reason in errors[0].reason
    if field in ("date_of_birth", "phone", "given_name"):
        assert changes[field] not in str(errors[0])  # never the identifying value
    with pytest.raises(import_service.ImportInvalid) as raised:
        import_service.import_file(path, actor=cast.caseworker_a)
    assert raised.value.errors == errors
    _nothing_written()


def _nothing_written() -> None:
    assert Screening.objects.count() == 0
    assert Person.objects.count() == 0
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# --- all or nothing ------------------------------------------------------------------------


def test_a_bad_last_row_writes_nothing_at_all(cast: Cast, tmp_path: Path) -> None:
    records = [_kobo(_consented(n)) for n in range(1, 6)] + [_kobo(_adult(6, site_type="x"))]
    path = _write(tmp_path / "bad-end.json", records)

    with pytest.raises(import_service.ImportInvalid) as raised:
        import_service.import_file(path, actor=cast.caseworker_a)

    assert [(e.row, e.field) for e in raised.value.errors] == [
        ("submission 6 (00000000-0000-4000-8000-000000000006)", "site_type")
    ]
    _nothing_written()


def test_a_checked_file_with_problems_is_not_imported(cast: Cast, tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.json", [_kobo(_adult(1, voivodeship="99"))])
    with import_service.checked(path) as file:
        assert [e.field for e in file.errors] == ["voivodeship"]
        with pytest.raises(import_service.ImportInvalid):
            import_service.import_checked(file, actor=cast.caseworker_a)
    _nothing_written()


def test_an_actor_who_may_not_screen_writes_nothing(cast: Cast, tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.json", [_kobo(_consented(1)), _kobo(_adult(2))])
    for actor in (cast.analyst, cast.partner, cast.admin):
        with pytest.raises(PermissionDenied):
            import_service.import_file(path, actor=actor)
    _nothing_written()


def test_the_kept_submissions_are_encrypted(cast: Cast, tmp_path: Path) -> None:
    path = _write(tmp_path / "consented.json", [_kobo(_consented(1))])
    with import_service.checked(path) as file:
        file._spool.seek(0)
        kept = file._spool.read()
        assert kept
        assert b"Kovalenko1" not in kept
        assert b"Olena" not in kept
        assert [s.identity.family_name for b in file.batches() for s in b if s.identity] == [
            "Kovalenko1"
        ]
    assert file._spool.closed
