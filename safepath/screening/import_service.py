"""The import of offline screening submissions: check a whole file, then store all of it.

- `check_file(path)` answers every problem of a file (nothing is written, no database
  is needed): for a preview.
- `import_file(path, actor=...)` checks the whole file first and, only if every row is
  valid, stores it in one transaction; otherwise it raises `ImportInvalid` naming every
  problem, and nothing is written.
- `checked(path)` and `import_checked(...)` are the same two steps apart, for a caller
  that has something to do in between: `safepath screening import` reports a bad file
  before it looks up the organisation (so without a database), then imports.
- `resolve_actor` finds the user the screenings are created by.

The file is read and parsed once. While it is checked, the valid submissions are kept,
in batches, in an anonymous temporary file, encrypted (AES-GCM) with a key that exists
only in this process's memory, since consented submissions carry names; the store step
reads them back from there. A web upload running as a background task calls the same
functions.

Screenings are stored in batches (`safepath.core.bulk.insert_many`, COPY on
PostgreSQL), each built by `services.new_screening`, the same function
`screening_create` uses, so an imported screening is stored exactly as the API would
store it, and each gets its own `screening.created` audit event (`via: "xlsform"`),
written in bulk too. The people named by consented submissions are registered with
`people.services.person_create_many` and their consent to data processing recorded
with `consent_record_many` (encryption, blind indexes, an audit event each), and the
screening links both.

Memory stays bounded: one batch of submissions at a time. Duplicates are found in the
database, batch by batch: the earlier batches of the same file are already inserted (in
the same transaction), so an instance id repeated in the file is found there too.
"""

import os
import pickle
import struct
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from safepath.accounts import policies
from safepath.accounts.models import Organisation, Role, User
from safepath.core.bulk import insert_many
from safepath.core.exceptions import NotAllowed
from safepath.insights.rollups.signals import rollups_changed
from safepath.people import services as people_services
from safepath.people.models import Consent, ConsentPurpose, Person
from safepath.screening import events
from safepath.screening.catalogues import registry
from safepath.screening.imports import (
    SOURCE,
    Identity,
    ImportFileError,
    RowError,
    Submission,
    instance_id,
    parse_submission,
    read_submissions,
)
from safepath.screening.indicators.catalogue import Catalogue
from safepath.screening.indicators.rules import assess
from safepath.screening.models import Screening
from safepath.screening.services import Location, new_screening

MAX_ERRORS: Final = 1000
BATCH_SIZE: Final = 1000
_NONCE_BYTES: Final = 12
_LENGTH: Final = struct.Struct(">I")

__all__ = [
    "BATCH_SIZE",
    "MAX_ERRORS",
    "ActorError",
    "CheckedFile",
    "ImportFileError",
    "ImportInvalid",
    "ImportResult",
    "RowError",
    "check_file",
    "checked",
    "import_checked",
    "import_file",
    "resolve_actor",
]


class ImportInvalid(ValueError):
    """Rows of the file are invalid: each problem is named, nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(f"{len(errors)} {noun}")
        self.errors = errors


class ActorError(ValueError):
    """No organisation or user to import as."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    duplicates_skipped: int
    people_created: int = 0

    def summary(self) -> dict[str, int]:
        """What the command prints: `{"created": n, "duplicates_skipped": n}`."""
        return {"created": self.created, "duplicates_skipped": self.duplicates_skipped}


def resolve_actor(organisation_code: str, username: str | None) -> User:
    """The active user `username` of the organisation, or without a username its first
    active supervisor. Raises `ActorError`."""
    organisation = Organisation.objects.filter(code=organisation_code, is_active=True).first()
    if organisation is None:
        raise ActorError(f"no active organisation {organisation_code!r}")
    if username is not None:
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise ActorError(f"no active user {username!r}")
        if actor.organisation_id != organisation.pk:
            raise ActorError(f"user {username!r} is not in organisation {organisation_code!r}")
        return actor
    supervisor = (
        User.objects.filter(organisation=organisation, role=Role.SUPERVISOR, is_active=True)
        .order_by("id")
        .first()
    )
    if supervisor is None:
        raise ActorError(
            f"organisation {organisation_code!r} has no active supervisor: name a user with --as"
        )
    return supervisor


# --- checking -------------------------------------------------------------------------------


def _label(row: str, instance: str) -> str:
    return f"{row} ({instance})" if instance else row


def _parsed(path: Path) -> Iterator[Submission | list[RowError]]:
    """Each submission of the file, parsed, or its problems. Raises `ImportFileError`."""
    catalogues = registry()
    for row, fields in read_submissions(path):
        parsed = parse_submission(fields, catalogues=catalogues)
        if isinstance(parsed, list):
            label = _label(row, instance_id(fields))
            yield [RowError(label, field, reason) for field, reason in parsed]
        else:
            yield parsed


def check_file(path: Path, *, limit: int = MAX_ERRORS) -> list[RowError]:
    """Every problem of the file, up to `limit`; an empty list for a file that imports.
    Nothing is written and the database is not needed. Raises `ImportFileError`."""
    errors: list[RowError] = []
    for parsed in _parsed(path):
        if isinstance(parsed, list):
            errors.extend(parsed)
            if len(errors) >= limit:
                return errors[:limit]
    return errors


@dataclass(eq=False)
class CheckedFile:
    """A file read and checked once: its problems (up to `MAX_ERRORS`), and, when there
    are none, its submissions, kept for `import_checked` in batches in an anonymous
    temporary file, each batch encrypted with a key held only here."""

    path: Path
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    _spool: IO[bytes] = field(default_factory=tempfile.TemporaryFile, repr=False)
    _cipher: AESGCM = field(default_factory=lambda: AESGCM(AESGCM.generate_key(128)), repr=False)

    def _keep(self, batch: list[Submission]) -> None:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._cipher.encrypt(nonce, pickle.dumps(batch, pickle.HIGHEST_PROTOCOL), None)
        self._spool.write(_LENGTH.pack(len(sealed)) + nonce + sealed)

    def batches(self) -> Iterator[list[Submission]]:
        """The valid submissions, in the file's order, a batch at a time."""
        if self.errors:
            raise ImportInvalid(self.errors)
        self._spool.flush()
        self._spool.seek(0)
        while header := self._spool.read(_LENGTH.size):
            (length,) = _LENGTH.unpack(header)
            nonce = self._spool.read(_NONCE_BYTES)
            # Authenticated: only what `_keep` wrote in this process opens, so unpickling
            # it is safe.
            batch: list[Submission] = pickle.loads(  # noqa: S301
                self._cipher.decrypt(nonce, self._spool.read(length), None)
            )
            yield batch

    def close(self) -> None:
        self._spool.close()


@contextmanager
def checked(path: Path, *, batch_size: int = BATCH_SIZE) -> Iterator[CheckedFile]:
    """Read and check the whole file once (see `CheckedFile`); the kept submissions are
    gone when the block ends. Raises `ImportFileError`. Needs no database."""
    result = CheckedFile(path)
    try:
        batch: list[Submission] = []
        for parsed in _parsed(path):
            result.rows += 1
            if isinstance(parsed, list):
                result.errors.extend(parsed)
                if len(result.errors) >= MAX_ERRORS:
                    del result.errors[MAX_ERRORS:]
                    break
            elif not result.errors:  # once a row is bad, nothing will be imported
                batch.append(parsed)
                if len(batch) >= batch_size:
                    result._keep(batch)
                    batch = []
        if batch and not result.errors:
            result._keep(batch)
        yield result
    finally:
        result.close()


# --- storing --------------------------------------------------------------------------------


def import_file(
    path: Path, *, actor: User, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Check the whole file, then store every submission as a screening of the actor's
    organisation and team, in one transaction; skip those already imported (same
    instance id in the organisation) or repeated in the file.

    All or nothing: if any row is invalid, `ImportInvalid` names every problem (up to
    `MAX_ERRORS`) and nothing is written. `progress`, if given, is called after each
    batch with the number of submissions handled so far. Raises `ImportFileError`,
    `ImportInvalid`, or `NotAllowed` / `PermissionDenied` when the actor may not create
    screenings (or people, for a consented submission).
    """
    with checked(path) as file:
        return import_checked(file, actor=actor, progress=progress)


@transaction.atomic
def import_checked(
    file: CheckedFile, *, actor: User, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Store a checked file (see `import_file`). Raises `ImportInvalid` when it has
    problems, before anything is written."""
    if actor.organisation_id is None:
        raise NotAllowed("screening.create")
    policies.require(actor, "screening.create")
    if file.errors:
        raise ImportInvalid(file.errors)
    store = _Store(actor, actor.organisation_id)
    for batch in file.batches():
        store.add(batch)
        if progress is not None:
            progress(store.handled)
    rollups_changed()
    return ImportResult(
        created=store.created,
        duplicates_skipped=store.duplicates,
        people_created=store.people,
    )


class _Store:
    """Stores batches of checked submissions for one actor, and counts."""

    def __init__(self, actor: User, organisation_id: int) -> None:
        self.actor = actor
        self.organisation_id = organisation_id
        self.catalogues: dict[tuple[str, str], Catalogue] = {}
        self.created = self.duplicates = self.people = 0

    @property
    def handled(self) -> int:
        return self.created + self.duplicates

    def _catalogue(self, submission: Submission) -> Catalogue:
        """The catalogue version the submission was checked against."""
        key = (submission.catalogue, submission.catalogue_version)
        if key not in self.catalogues:
            self.catalogues[key] = registry().get(*key)
        return self.catalogues[key]

    def add(self, batch: list[Submission]) -> None:
        existing = _already_imported(
            self.organisation_id, [submission.instance_id for submission in batch]
        )
        fresh: list[Submission] = []
        for submission in batch:
            if submission.instance_id in existing:
                self.duplicates += 1
            else:
                existing.add(submission.instance_id)  # repeated later in this batch
                fresh.append(submission)
        registered = self._register([s for s in fresh if s.identity is not None])
        screenings: list[Screening] = []
        for submission in fresh:
            person, consent = registered.get(submission.instance_id, (None, None))
            assessment = assess(
                self._catalogue(submission), submission.indicators, act=submission.act
            )
            screenings.append(
                new_screening(
                    actor=self.actor,
                    person=person,
                    consent=consent,
                    assessment=assessment,
                    factors=submission.factors,
                    needs=submission.needs,
                    location=Location(
                        site_type=submission.site_type, voivodeship=submission.voivodeship
                    ),
                    interview_language=submission.interview_language,
                    source=SOURCE,
                    source_instance_id=submission.instance_id,
                    indicators_unknown=submission.indicators_unknown,
                )
            )
        insert_many(Screening, screenings)
        events.screenings_created(actor=self.actor, screenings=screenings, via=SOURCE)
        self.created += len(screenings)

    def _register(self, consented: list[Submission]) -> dict[str, tuple[Person, Consent]]:
        """The people the consented submissions name, and their consent to data
        processing, by instance id, through the people services (policy, encryption,
        blind indexes, a free code and audit events for each)."""
        if not consented:
            return {}
        identities = [s.identity for s in consented if s.identity is not None]
        people = people_services.person_create_many(
            actor=self.actor, data=[_person_data(identity) for identity in identities], via=SOURCE
        )
        consents = people_services.consent_record_many(
            actor=self.actor,
            purpose=ConsentPurpose.DATA_PROCESSING,
            given=True,
            decisions=[
                people_services.ConsentDecision(
                    person=person, method=identity.consent_method, date=identity.consent_date
                )
                for person, identity in zip(people, identities, strict=True)
            ],
        )
        self.people += len(people)
        return {
            submission.instance_id: (person, consent)
            for submission, person, consent in zip(consented, people, consents, strict=True)
        }


def _already_imported(organisation_id: int, instance_ids: list[str]) -> set[str]:
    """Which of these instance ids the organisation already has a screening for.

    On PostgreSQL, one probe of the unique (organisation, instance id) index per id.
    The plain `IN (...)` query is planned from the table's statistics, which a large
    import makes stale within its own transaction: PostgreSQL then scans every screening
    of the organisation for each batch (the import slows down as it goes, quadratically).
    The LATERAL ... LIMIT 1 form leaves the planner no other way than the index.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        found = Screening.objects.filter(
            organisation_id=organisation_id, source_instance_id__in=instance_ids
        ).values_list("source_instance_id", flat=True)
        return {instance for instance in found if instance is not None}
    quote = connection.ops.quote_name
    meta = Screening._meta
    organisation_column = meta.get_field("organisation").column
    instance_column = meta.get_field("source_instance_id").column
    query = (
        "SELECT wanted.id FROM unnest(%s::text[]) AS wanted(id) CROSS JOIN LATERAL "  # noqa: S608
        f"(SELECT 1 FROM {quote(meta.db_table)} AS s "
        f"WHERE s.{quote(str(organisation_column))} = %s "
        f"AND s.{quote(str(instance_column))} = wanted.id LIMIT 1) AS found"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [instance_ids, organisation_id])
        return {row[0] for row in cursor.fetchall()}


def _person_data(identity: Identity) -> dict[str, object]:
    """What `person_create` takes, from a consented submission."""
    data: dict[str, object] = {
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "phone": identity.phone,
        "date_of_birth": identity.date_of_birth,
    }
    if identity.sex:
        data["sex"] = identity.sex
    return data
