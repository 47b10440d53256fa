"""Import of submissions of IOM's HTCDS Core XLSForm (KoboToolbox and ODK exports).

`safepath cases import-htcds FILE --organisation CODE [--as USERNAME]` is a thin shell
around `import_file`. The file is read with the screening import's readers
(`safepath.screening.imports.read_submissions`: KoboToolbox JSON streamed with ijson,
KoboToolbox CSV with `;` or `,` and with or without group prefixes, ODK Central CSV),
and each submission is identified by the same `instance_id` (`meta/instanceID`, `KEY`,
`_uuid`, without `uuid:`).

Each submission becomes a person (`people.services.person_create`), their consent to
data processing (`consent_record`) and a case (`cases.services.case_open`, then
`case_update` for the HTCDS fields): the same services as the web app, so every case
rule holds (consent on record, one open case per person, an identification needs who
decided and when, a closing needs an approval) and every write is audited.

- **All or nothing.** The whole file is checked first (no database needed): every
  problem is a `RowError` (row and instance id, field, reason) and `ImportInvalid`
  carries all of them. Only a file without problems is written, in one transaction;
  a rule a service still refuses while writing is reported the same way and the
  transaction is rolled back. The file is read twice (check, then write), so memory
  holds one submission at a time.
- **Consent.** A submission without consent to data processing (`con_Consent` is not
  `TRUE`) is a bad row: safepath never stores a person without it.
- **Idempotent by instance id**, without a model change: the instance id is recorded
  on the case's timeline, as an `imported` event (`detail = {"source": "htcds",
  "instance_id": ...}`; the timeline holds codes, never identity, and survives
  retention). A submission whose instance id is on the timeline of a case of the
  organisation, or repeated in the file, is skipped and counted in
  `duplicates_skipped`. The organisation row is locked for the import, so two imports
  into one organisation run one after the other. A database constraint would be
  stronger: `already_imported` is the one place to change if `Case` gets a
  `source_instance_id` field.

Messages are English, like the command's; they name the field and never repeat an
identifying value.
"""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safepath.accounts.models import Organisation, User
from safepath.cases.models import Case, CaseEvent
from safepath.cases.services import CaseInvalid, case_open, case_update
from safepath.cases.vocabularies import (
    CaseStatus,
    DecidingOrganisation,
    ExploitationType,
    ForcedLabourIndustry,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    TraffickingStatus,
)
from safepath.core.exceptions import NotAllowed
from safepath.people import services as people_services
from safepath.people.models import ConsentMethod, ConsentPurpose, Sex
from safepath.people.validators import MAX_LENGTHS, normalise_phone, validate_birth_date
from safepath.screening.imports import (
    ImportFileError,
    RowError,
    instance_id,
    read_submissions,
    submission_date,
)

SOURCE: Final = "htcds"
TIMELINE_KIND: Final = "imported"
MAX_ERRORS: Final = 1000

# The form's names (htcds_core_xlsform.xlsx, sheet survey) and the standard's spelling of
# the same fields (htcds_2.0_fields.csv, used by `export-htcds`): both are read.
ALIASES: Final = {
    "prs_FirstName": "prs_First_Name",
    "prs_SecondName": "prs_Second_Name",
    "vic_MethodsOfControl": "vic_Methods_of_Control",
}
CONSENT: Final = "con_Consent"
CONSENT_GIVEN: Final = "TRUE"  # the form's list `consent`: TRUE, FALSE
# prs_Gender -> safepath's sex: no guess beyond what the answer says.
SEX: Final = {
    "Feminine": Sex.FEMALE,
    "Masculine": Sex.MALE,
    "TransgenderFeminine": Sex.OTHER,
    "TransgenderMasculine": Sex.OTHER,
    "NonConforming": Sex.OTHER,
    "NonSpecifiedUnknown": Sex.UNKNOWN,
}
PHONES: Final = ("prs_MobilePhone", "prs_HomePhone")
# When the interview (and so the consent) took place, in order of preference.
CONSENT_DATE_FIELDS: Final = ("end", "start", "_submission_time", "SubmissionDate")
# Single-choice fields: HTCDS field -> (case field, allowed values).
CHOICES: Final[dict[str, tuple[str, Any]]] = {
    "vic_TraffickingStatus": ("trafficking_status", TraffickingStatus),
    "vic_TraffickingStatusDecisionMakingOrg": (
        "trafficking_status_decided_by",
        DecidingOrganisation,
    ),
    "vic_RelationshipToTrafficker": ("relationship_to_trafficker", RelationshipToTrafficker),
}
# Multiple-choice fields (space-separated values): HTCDS field -> (case field, values).
LISTS: Final[dict[str, tuple[str, Any]]] = {
    "vic_TypeOfExploitation": ("exploitation_types", ExploitationType),
    "vic_ForcedLabourIndustry": ("forced_labour_industries", ForcedLabourIndustry),
    "vic_Methods_of_Control": ("means_of_control", MeansOfControl),
    "vic_MethodOfRecruitment": ("recruitment_methods", RecruitmentMethod),
}
STATUS: Final = "cas_Status"
IMPORTABLE_STATUSES: Final = (CaseStatus.ACTIVE, CaseStatus.FOLLOW_UP)
# Not in the HTCDS Core form: the date of an identification, as `export-htcds` writes it.
DECISION_DATE: Final = "safepath_trafficking_status_date"
DECIDED: Final = (TraffickingStatus.ACTUAL, TraffickingStatus.NOT_A_VICTIM)


class ImportInvalid(ValueError):
    """Rows of the file are invalid: each problem is named, nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(f"{len(errors)} {noun}")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    duplicates_skipped: int

    def summary(self) -> dict[str, int]:
        return {"created": self.created, "duplicates_skipped": self.duplicates_skipped}


@dataclass(frozen=True, slots=True)
class HtcdsSubmission:
    """One valid submission. The identity stays out of `repr`."""

    row: str
    instance_id: str
    person: dict[str, Any] = field(repr=False)
    consent_date: datetime.date
    case: dict[str, Any]
    status: str


# --- checking -------------------------------------------------------------------------------


def _label(row: str, instance: str) -> str:
    return f"{row} ({instance})" if instance else row


def _normalised(fields: Mapping[str, str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, value in fields.items():
        name = ALIASES.get(name, name)
        if name not in names or not names[name]:
            names[name] = value
    return names


def _not_one_of(value: str, choices: Any) -> str:
    return f"{value!r} is not one of {', '.join(choices.values)}"


def parse_submission(row: str, raw: Mapping[str, str]) -> HtcdsSubmission | list[tuple[str, str]]:
    """The submission, or `(field, reason)` for each of its problems."""
    fields = _normalised(raw)
    errors: list[tuple[str, str]] = []
    instance = instance_id(fields)
    if not instance:
        errors.append(("meta/instanceID", "no instance id (meta/instanceID, _uuid or KEY)"))
    consent = fields.get(CONSENT, "")
    if consent.upper() != CONSENT_GIVEN:
        reason = (
            f"{consent!r}: no consent to data processing"
            if consent
            else "not answered: no consent to data processing"
        )
        errors.append((CONSENT, f"{reason}; safepath stores no person without it"))
        # Without consent the identity is not even read.
        return errors
    person = _person(fields, errors)
    consent_date = timezone.localdate()
    for name in CONSENT_DATE_FIELDS:
        if value := fields.get(name, ""):
            parsed = submission_date(value)
            if parsed is None:
                errors.append((name, f"{value!r} is not a date or a date and time"))
            else:
                consent_date = parsed
            break
    case = _case(fields, errors)
    status = fields.get(STATUS, "") or CaseStatus.ACTIVE
    if status not in CaseStatus.values:
        errors.append((STATUS, _not_one_of(status, CaseStatus)))
    elif status not in IMPORTABLE_STATUSES:
        errors.append(
            (
                STATUS,
                f"{status!r}: a case is closed only with a supervisor's approval; "
                "import it as Active or FollowUp and close it in safepath",
            )
        )
    if errors:
        return errors
    return HtcdsSubmission(
        row=row,
        instance_id=instance,
        person=person,
        consent_date=consent_date,
        case=case,
        status=status,
    )


def _person(fields: Mapping[str, str], errors: list[tuple[str, str]]) -> dict[str, Any]:
    """What `person_create` takes. Problems go to `errors`, without the values."""
    person: dict[str, Any] = {}
    for name, target in (("prs_First_Name", "given_name"), ("prs_Second_Name", "family_name")):
        value = fields.get(name, "")
        if len(value) > MAX_LENGTHS[target]:
            errors.append((name, f"longer than {MAX_LENGTHS[target]} characters"))
        person[target] = value
    person["date_of_birth"] = None
    if raw := fields.get("prs_Birthdate", ""):
        birth = submission_date(raw) if len(raw) == len("YYYY-MM-DD") else None
        if birth is None:
            errors.append(("prs_Birthdate", "not a date (expected YYYY-MM-DD)"))
        else:
            try:
                person["date_of_birth"] = validate_birth_date(birth)
            except ValidationError as exc:
                errors.append(("prs_Birthdate", " ".join(exc.messages)))
    if gender := fields.get("prs_Gender", ""):
        if gender in SEX:
            person["sex"] = SEX[gender]
        else:
            errors.append(("prs_Gender", f"{gender!r} is not one of {', '.join(SEX)}"))
    if citizenship := fields.get("prs_Citizenship", ""):
        country = pycountry.countries.get(alpha_2=citizenship.upper())
        if country is None or len(citizenship) != 2:
            errors.append(("prs_Citizenship", f"{citizenship!r} is not an ISO 3166 alpha-2 code"))
        else:
            person["nationality"] = str(country.alpha_3)
    person["phone"] = ""
    for name in PHONES:
        if value := fields.get(name, ""):
            try:
                person["phone"] = normalise_phone(value)
            except ValidationError as exc:
                errors.append((name, " ".join(exc.messages)))
            break
    return person


def _case(fields: Mapping[str, str], errors: list[tuple[str, str]]) -> dict[str, Any]:
    """What `case_update` takes: the HTCDS fields answered."""
    case: dict[str, Any] = {}
    for name, (target, choices) in CHOICES.items():
        if value := fields.get(name, ""):
            if value in choices.values:
                case[target] = value
            else:
                errors.append((name, _not_one_of(value, choices)))
    for name, (target, choices) in LISTS.items():
        values = fields.get(name, "").split()
        if unknown := [value for value in values if value not in choices.values]:
            errors.append((name, f"unknown values: {', '.join(unknown)}"))
        elif values:
            case[target] = values
    if raw := fields.get(DECISION_DATE, ""):
        decided_on = submission_date(raw)
        if decided_on is None:
            errors.append((DECISION_DATE, "not a date (expected YYYY-MM-DD)"))
        elif decided_on > timezone.localdate():
            errors.append((DECISION_DATE, "in the future"))
        else:
            case["trafficking_status_date"] = decided_on
    if case.get("trafficking_status") in DECIDED:
        # The case rule (`services._decision_errors`), checked before anything is written.
        if "trafficking_status_decided_by" not in case:
            errors.append(
                (
                    "vic_TraffickingStatusDecisionMakingOrg",
                    "required for an identification: which type of organisation decided",
                )
            )
        if "trafficking_status_date" not in case:
            errors.append(
                (
                    "vic_TraffickingStatus",
                    f"an identification needs the date of the decision ({DECISION_DATE}), "
                    "which the HTCDS Core form does not ask: import it as "
                    "PossibleVictimOfTrafficking and record the decision in safepath",
                )
            )
    return case


def _parsed(path: Path) -> Iterator[HtcdsSubmission | list[RowError]]:
    """Each submission of the file, parsed, or its problems. Raises `ImportFileError`."""
    for row, fields in read_submissions(path):
        parsed = parse_submission(row, fields)
        if isinstance(parsed, list):
            label = _label(row, instance_id(_normalised(fields)))
            yield [RowError(label, name, reason) for name, reason in parsed]
        else:
            yield parsed


def check_file(path: Path, *, limit: int = MAX_ERRORS) -> list[RowError]:
    """Every problem of the file, up to `limit`; an empty list for a file that imports.
    Raises `ImportFileError` for a file that cannot be read at all."""
    errors: list[RowError] = []
    for parsed in _parsed(path):
        if isinstance(parsed, list):
            errors.extend(parsed)
            if len(errors) >= limit:
                return errors[:limit]
    return errors


# --- storing --------------------------------------------------------------------------------


def already_imported(organisation_id: int, instance: str) -> bool:
    """Whether a case of the organisation was imported from this submission. The one
    place to change if `Case` gets a `source_instance_id` field."""
    return CaseEvent.objects.filter(
        case__organisation_id=organisation_id,
        kind=TIMELINE_KIND,
        detail__source=SOURCE,
        detail__instance_id=instance,
    ).exists()


def record_instance_id(*, actor: User, case: Case, instance: str) -> None:
    """Keep the submission's instance id with the case, on its timeline (codes only)."""
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=TIMELINE_KIND,
        detail={"source": SOURCE, "instance_id": instance},
    )


def import_file(
    path: Path, *, actor: User, consent_method: str = ConsentMethod.ORAL_WITNESSED
) -> ImportResult:
    """Check the whole file, then store all of it in one transaction. Raises
    `ImportInvalid` (every problem, nothing written), `ImportFileError`, or `NotAllowed`
    when the actor may not register people or open cases."""
    if consent_method not in ConsentMethod.values:
        raise ValueError(f"unknown consent method {consent_method!r}")
    if errors := check_file(path):
        raise ImportInvalid(errors)
    if actor.organisation_id is None:
        raise NotAllowed("case.create")
    with transaction.atomic():
        # One import at a time per organisation: the duplicates check is not a constraint.
        Organisation.objects.select_for_update().filter(pk=actor.organisation_id).first()
        result, errors = _store(path, actor=actor, consent_method=consent_method)
        if errors:
            transaction.set_rollback(True)
            raise ImportInvalid(errors)
    return result


def _store(path: Path, *, actor: User, consent_method: str) -> tuple[ImportResult, list[RowError]]:
    created = duplicates = 0
    errors: list[RowError] = []
    seen: set[str] = set()
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise NotAllowed("case.create")
    for parsed in _parsed(path):
        if isinstance(parsed, list):  # the file changed since it was checked
            errors.extend(parsed)
            continue
        if parsed.instance_id in seen or already_imported(organisation_id, parsed.instance_id):
            duplicates += 1
            continue
        seen.add(parsed.instance_id)
        try:
            _store_one(parsed, actor=actor, consent_method=consent_method)
        except CaseInvalid as exc:
            label = _label(parsed.row, parsed.instance_id)
            errors.extend(RowError(label, e.field, e.detail) for e in exc.errors)
            continue
        created += 1
    return ImportResult(created=created, duplicates_skipped=duplicates), errors


def _store_one(submission: HtcdsSubmission, *, actor: User, consent_method: str) -> Case:
    with transaction.atomic():
        person = people_services.person_create(actor=actor, data=submission.person, via=SOURCE)
        people_services.consent_record(
            actor=actor,
            person=person,
            purpose=ConsentPurpose.DATA_PROCESSING,
            given=True,
            method=consent_method,
            date=submission.consent_date,
        )
        case = case_open(actor=actor, person=person, via=SOURCE)
        data = {**submission.case}
        if submission.status != case.status:
            data["status"] = submission.status
        if data:
            case = case_update(
                actor=actor, case=case, data=data, expected_version=case.version, via=SOURCE
            )
        record_instance_id(actor=actor, case=case, instance=submission.instance_id)
        return case


__all__ = [
    "ImportFileError",
    "ImportInvalid",
    "ImportResult",
    "RowError",
    "already_imported",
    "check_file",
    "import_file",
    "parse_submission",
    "record_instance_id",
]
