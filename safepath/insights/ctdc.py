"""Cases as the CTDC Global Dataset (the older k-anonymised standard, codebook v6), as CSV.

One row per case, with the column names and codes of the Counter Trafficking Data
Collaborative's k-anonymised Global Dataset (`shared/reference/ctdc_codebook_v2.md`,
"Older Global Dataset"): missing is -99, a binary variable is 1 or -99. The file is
k-anonymised on `k_anonymity.QUASI_IDENTIFIERS` (`safepath.insights.k_anonymity`) before
a row is written. It never holds a name, a date of birth, a phone number, free text or
a safepath id: every column is a code computed from the case and the person.

How safepath's codes become CTDC's (docs/insights.md, "CTDC export"):

- `yearOfRegistration`: the year the case was opened (Polish time).
- `Datasource`: "Case Management" (every record is a case; there is no hotline data).
- `gender`: female → Woman, male → Man, other → Trans/Transgender/NonConforming,
  unknown → -99.
- `ageBroad`: the codebook's bands of the age at registration, written as the published
  CSV writes them (two hyphens, two digits: `00--08`, `09--17`, …, `48+`). The age comes
  from the date of birth when it is known (read only to compute the band, never
  written); otherwise from the UNHCR age band when that falls inside one CTDC band
  (0-4 → 00--08, 12-17 → 09--17, 60+ → 48+); otherwise -99.
- `majorityStatus`: Minor or Adult as the published (possibly generalised) `ageBroad`
  says, -99 when it is -99: it is never more precise than the quasi-identifier, so it
  cannot split a group of k (a child's case with no known age is -99 here too).
- `citizenship`, `CountryOfExploitation`: ISO 3166-1 alpha-3. The country of
  exploitation is that of the case's latest exploitation event with a country
  (undated events count as earlier than dated ones, ties by order of recording).
- `meansOfControl*`, `is*`, `typeOfLabour*`, `recruiterRelation*`: `MEANS_OF_CONTROL`,
  `EXPLOITATION`, `LABOUR`, `RECRUITER_RELATION` below.
- Columns safepath has no data for are -99 throughout (`majorityStatusAtExploit`,
  `majorityEntry`, `typeOfSex*`, `isAbduction`, …).
"""

import csv
import datetime
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, TextIO

from django.db import connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from safepath.accounts.models import User
from safepath.audit.events import record
from safepath.cases.models import Case, TraffickingEvent
from safepath.cases.models.history import TraffickingEventKind
from safepath.cases.selectors import visible_cases
from safepath.cases.vocabularies import (
    ExploitationType,
    ForcedLabourIndustry,
    MeansOfControl,
    RelationshipToTrafficker,
    TraffickingStatus,
)
from safepath.insights import k_anonymity
from safepath.people.models import AgeBand, Sex

MISSING: Final = k_anonymity.MISSING
YES: Final = "1"
DATASOURCE: Final = "Case Management"
COMMAND_LINE: Final = "command-line"

GENDER: Final[dict[str, str]] = {
    Sex.FEMALE: "Woman",
    Sex.MALE: "Man",
    Sex.OTHER: "Trans/Transgender/NonConforming",
}
# (lowest age, band as the published CSV writes it), youngest first.
AGE_BANDS: Final = (
    (0, "00--08"),
    (9, "09--17"),
    (18, "18--20"),
    (21, "21--23"),
    (24, "24--26"),
    (27, "27--29"),
    (30, "30--38"),
    (39, "39--47"),
    (48, "48+"),
)
# The UNHCR bands that lie inside one CTDC band; the others (5-11, 18-59) straddle two.
AGE_BAND_FROM_UNHCR: Final[dict[str, str]] = {
    AgeBand.A0_4: "00--08",
    AgeBand.A12_17: "09--17",
    AgeBand.A60: "48+",
}

MEANS_COLUMNS: Final = tuple(
    f"meansOfControl{name}"
    for name in (
        "DebtBondage",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "Threats",
        "PsychologicalAbuse",
        "PhysicalAbuse",
        "SexualAbuse",
        "FalsePromises",
        "PsychoactiveSubstances",
        "RestrictsMovement",
        "RestrictsMedicalCare",
        "ExcessiveWorkingHours",
        "UsesChildren",
        "ThreatOfLawEnforcement",
        "WithholdsNecessities",
        "WithholdsDocuments",
        "Other",
        "NotSpecified",
    )
)
# HTCDS vic_MethodsOfControl → CTDC. Threats to the person's children or family are
# threats; CTDC's "UsesChildren" (children used as leverage) is not claimed from it.
# Nothing in HTCDS says "restricts movement", so that column stays -99; "NotSpecified"
# is 1 when no means of control is recorded.
MEANS_OF_CONTROL: Final[dict[str, str]] = {
    MeansOfControl.DEBT_BONDAGE: "meansOfControlDebtBondage",
    MeansOfControl.TAKES_EARNINGS: "meansOfControlTakesEarnings",
    MeansOfControl.RESTRICTS_FINANCIAL_ACCESS: "meansOfControlRestrictsFinancialAccess",
    MeansOfControl.PHYSICAL_THREATS: "meansOfControlThreats",
    MeansOfControl.THREATENS_FAMILY: "meansOfControlThreats",
    MeansOfControl.PSYCHOLOGICAL_ABUSE: "meansOfControlPsychologicalAbuse",
    MeansOfControl.PHYSICAL_ABUSE: "meansOfControlPhysicalAbuse",
    MeansOfControl.SEXUAL_ABUSE: "meansOfControlSexualAbuse",
    MeansOfControl.FALSE_PROMISES: "meansOfControlFalsePromises",
    MeansOfControl.PSYCHOACTIVE_SUBSTANCE: "meansOfControlPsychoactiveSubstances",
    MeansOfControl.RESTRICTS_MEDICAL_CARE: "meansOfControlRestrictsMedicalCare",
    MeansOfControl.EXCESSIVE_WORKING_HOURS: "meansOfControlExcessiveWorkingHours",
    MeansOfControl.THREATS_LAW_ENFORCEMENT: "meansOfControlThreatOfLawEnforcement",
    MeansOfControl.WITHHOLDS_NECESSITIES: "meansOfControlWithholdsNecessities",
    MeansOfControl.WITHHOLDS_DOCUMENTS: "meansOfControlWithholdsDocuments",
    MeansOfControl.OTHER: "meansOfControlOther",
}

EXPLOITATION_COLUMNS: Final = (
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
)
# HTCDS vic_TypeOfExploitation → CTDC. Child labour and forced begging are labour
# exploitation (begging is also a CTDC type of labour); servitude is a practice similar
# to slavery; what CTDC has no type for is "other exploitation". `isSexAndLabour` is 1
# when both forced labour and sexual exploitation are.
EXPLOITATION: Final[dict[str, tuple[str, ...]]] = {
    ExploitationType.FORCED_LABOUR: ("isForcedLabour",),
    ExploitationType.CHILD_LABOUR: ("isForcedLabour",),
    ExploitationType.FORCED_BEGGING: ("isForcedLabour",),
    ExploitationType.SEXUAL_EXPLOITATION: ("isSexualExploit",),
    ExploitationType.SERVITUDE: ("isSlaveryAndPractices",),
    ExploitationType.FORCED_MARRIAGE: ("isOtherExploit", "isForcedMarriage"),
    ExploitationType.FORCED_MILITARY: ("isOtherExploit", "isForcedMilitary"),
    ExploitationType.ORGAN_REMOVAL: ("isOtherExploit", "isOrganRemoval"),
    ExploitationType.FORCED_ADOPTION: ("isOtherExploit",),
    ExploitationType.SURROGACY: ("isOtherExploit",),
    ExploitationType.OTHER: ("isOtherExploit",),
}

LABOUR_COLUMNS: Final = tuple(
    f"typeOfLabour{name}"
    for name in (
        "Agriculture",
        "Aquafarming",
        "Begging",
        "Construction",
        "DomesticWork",
        "Hospitality",
        "IllicitActivities",
        "Manufacturing",
        "MiningOrDrilling",
        "Peddling",
        "Transportation",
        "Other",
        "NotSpecified",
    )
)
# ISIC rev. 4 sections (HTCDS vic_ForcedLabourIndustry) → CTDC. Section A holds
# aquaculture too, but safepath records only the section, so A is agriculture; trade
# (G) is not only peddling, so it is "Other" like every section CTDC does not name.
# Begging comes from the type of exploitation; "NotSpecified" is 1 for forced labour
# with no industry recorded.
LABOUR: Final[dict[str, str]] = {
    ForcedLabourIndustry.A: "typeOfLabourAgriculture",
    ForcedLabourIndustry.B: "typeOfLabourMiningOrDrilling",
    ForcedLabourIndustry.C: "typeOfLabourManufacturing",
    ForcedLabourIndustry.F: "typeOfLabourConstruction",
    ForcedLabourIndustry.H: "typeOfLabourTransportation",
    ForcedLabourIndustry.I_: "typeOfLabourHospitality",
    ForcedLabourIndustry.T: "typeOfLabourDomesticWork",
}
SEX_COLUMNS: Final = tuple(
    f"typeOfSex{name}"
    for name in (
        "Prostitution",
        "Pornography",
        "RemoteInteractiveServices",
        "PrivateSexualServices",
    )
)

RELATION_COLUMNS: Final = tuple(
    f"recruiterRelation{name}"
    for name in ("IntimatePartner", "Friend", "Family", "Other", "Unknown")
)
# HTCDS vic_RelationshipToTrafficker → CTDC. Someone the person knew is counted with
# friends (CTDC's friends and acquaintances); a stranger is "Other" (brokers,
# contractors, employers, smugglers). Nothing recorded → recruiterRelationUnknown.
RECRUITER_RELATION: Final[dict[str, str]] = {
    RelationshipToTrafficker.FAMILIAL: "Family",
    RelationshipToTrafficker.ACQUAINTED: "Friend",
    RelationshipToTrafficker.UNACQUAINTED: "Other",
}

COLUMNS: Final = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *MEANS_COLUMNS,
    *EXPLOITATION_COLUMNS,
    *LABOUR_COLUMNS,
    *SEX_COLUMNS,
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    *RELATION_COLUMNS,
)
QI_INDEXES: Final = tuple(COLUMNS.index(name) for name in k_anonymity.QUASI_IDENTIFIERS)
CHUNK: Final = 2000


@dataclass(frozen=True, slots=True)
class Profile:
    """What the first pass reads of a case: its quasi-identifiers."""

    qi: k_anonymity.QI


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_broad(age: int | None, age_band: str) -> str:
    if age is None or age < 0:
        return AGE_BAND_FROM_UNHCR.get(age_band, MISSING)
    band = MISSING
    for lowest, name in AGE_BANDS:
        if age >= lowest:
            band = name
    return band


def majority_of(age_broad: str) -> str:
    """Minor or Adult from a published age band (the codebook's or a wider one)."""
    if age_broad == MISSING:
        return MISSING
    return "Minor" if age_broad.startswith(("00--", "09--")) else "Adult"


def profile(
    *,
    registered: datetime.datetime,
    sex: str,
    age_band: str,
    birth: datetime.date | None,
    nationality: str,
    exploitation_country: str | None,
) -> Profile:
    day = timezone.localdate(registered)
    age = age_on(birth, day) if birth is not None else None
    qi = (
        GENDER.get(sex, MISSING),
        age_broad(age, age_band),
        nationality or MISSING,
        exploitation_country or MISSING,
        str(day.year),
    )
    return Profile(qi=qi)


def details(
    *,
    exploitation_types: list[str],
    industries: list[str],
    means: list[str],
    relationship: str,
) -> dict[str, str]:
    """The columns that are not quasi-identifiers, from the case's picklists."""
    row = dict.fromkeys(
        (*MEANS_COLUMNS, *EXPLOITATION_COLUMNS, *LABOUR_COLUMNS, *SEX_COLUMNS, *RELATION_COLUMNS),
        MISSING,
    )
    for code in means:
        if column := MEANS_OF_CONTROL.get(code):
            row[column] = YES
    if not means:
        row["meansOfControlNotSpecified"] = YES
    for code in exploitation_types:
        for column in EXPLOITATION.get(code, ()):
            row[column] = YES
    if row["isForcedLabour"] == YES and row["isSexualExploit"] == YES:
        row["isSexAndLabour"] = YES
    for code in industries:
        row[LABOUR.get(code, "typeOfLabourOther")] = YES
    if ExploitationType.FORCED_BEGGING in exploitation_types:
        row["typeOfLabourBegging"] = YES
    if row["isForcedLabour"] == YES and not industries:
        row["typeOfLabourNotSpecified"] = YES
    relation = RECRUITER_RELATION.get(relationship)
    row[f"recruiterRelation{relation or 'Unknown'}"] = YES
    row["RecruiterRelationship"] = relation or MISSING
    row.update(majorityStatusAtExploit=MISSING, majorityEntry=MISSING, isAbduction=MISSING)
    return row


def row_of(profile: Profile, qi: k_anonymity.QI, detail: dict[str, str]) -> list[str]:
    """One CSV row: the generalised quasi-identifiers `qi` and the other columns."""
    values = {
        **detail,
        **dict(zip(k_anonymity.QUASI_IDENTIFIERS, qi, strict=True)),
        "Datasource": DATASOURCE,
        "majorityStatus": majority_of(qi[k_anonymity.QUASI_IDENTIFIERS.index("ageBroad")]),
    }
    return [values[name] for name in COLUMNS]


def cases_for(actor: User | None) -> "QuerySet[Case]":
    """The cases `actor` may see (every case for the command line without a user), less
    those of people found not to be victims of trafficking: the dataset is of victims
    (identified or possible; a case without a decision yet is counted too). A person
    with several such cases is written once, from the latest."""
    cases = Case.objects.all() if actor is None else visible_cases(actor)
    eligible = cases.exclude(trafficking_status=TraffickingStatus.NOT_A_VICTIM)
    # One row per person (their latest case): k counts people, and a person with several
    # cases must not make up a group of k on their own.
    latest = eligible.filter(person=OuterRef("person")).order_by("-pk").values("pk")[:1]
    return eligible.filter(pk=Subquery(latest)).order_by("pk")


def profiles_of(cases: "QuerySet[Case]") -> dict[int, Profile]:
    """The quasi-identifiers of each case, by case id: the first pass of an export."""
    latest_exploitation = (
        TraffickingEvent.objects.filter(case=OuterRef("pk"), kind=TraffickingEventKind.EXPLOITATION)
        .exclude(country="")
        .order_by(F("date").desc(nulls_last=True), "-id")
        .values("country")[:1]
    )
    rows = cases.annotate(exploitation_country=Subquery(latest_exploitation)).values_list(
        "pk",
        "created_at",
        "person__sex",
        "person__age_band",
        "person__date_of_birth",
        "person__nationality",
        "exploitation_country",
    )
    return {
        pk: profile(
            registered=created,
            sex=sex,
            age_band=band,
            birth=birth,  # type: ignore[arg-type]  # an EncryptedDateField: a date
            nationality=nationality,
            exploitation_country=country,
        )
        for pk, created, sex, band, birth, nationality, country in rows.iterator(chunk_size=CHUNK)
    }


def _rows(
    cases: "QuerySet[Case]", profiles: dict[int, Profile], decided: k_anonymity.Plan
) -> Iterator[list[str]]:
    picklists = cases.values_list(
        "pk",
        "exploitation_types",
        "forced_labour_industries",
        "means_of_control",
        "relationship_to_trafficker",
    )
    for pk, types, industries, means, relationship in picklists.iterator(chunk_size=CHUNK):
        known = profiles.get(pk)
        if known is None:  # opened after the first pass: not in the plan
            continue
        qi = decided.apply(known.qi)
        if qi is None:
            continue
        yield row_of(
            known,
            qi,
            details(
                exploitation_types=list(types or []),
                industries=list(industries or []),
                means=list(means or []),
                relationship=relationship,
            ),
        )


@contextmanager
def snapshot() -> Iterator[None]:
    """One transaction whose reads all see the same rows: on PostgreSQL a repeatable-read
    transaction, so that an export's second pass sees the rows its plan was made from."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Must be the transaction's first statement; inside an outer transaction
            # (tests) the caller's isolation holds.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def write_ctdc(
    handle: TextIO,
    *,
    actor: User | None,
    k: int = k_anonymity.DEFAULT_K,
    max_suppression: float = k_anonymity.DEFAULT_MAX_SUPPRESSION,
    via: str = "command",
) -> dict[str, Any]:
    """Write the k-anonymised CTDC CSV of the cases `actor` may see (every case when
    `actor` is None: the administrator's command line) to `handle`, and return the
    report of `k_anonymity.plan`. Two passes over the cases inside one snapshot (on
    PostgreSQL a repeatable-read transaction), so that the second pass sees the rows
    the plan was made from; only counts and one small profile per case are held in
    memory. Audited once written, with counts and k only."""
    return write_k_anonymised(
        handle,
        actor=actor,
        k=k,
        max_suppression=max_suppression,
        columns=COLUMNS,
        rows=_rows,
        action="insights.ctdc_exported",
        target="ctdc",
        via=via,
    )


type RowWriter = Callable[
    ["QuerySet[Case]", dict[int, Profile], k_anonymity.Plan], Iterator[list[str]]
]


def write_k_anonymised(
    handle: TextIO,
    *,
    actor: User | None,
    k: int,
    max_suppression: float,
    columns: Sequence[str],
    rows: RowWriter,
    action: str,
    target: str,
    via: str,
) -> dict[str, Any]:
    """The two passes every record-level CTDC file takes (profiles, plan, rows) in one
    snapshot, streamed to `handle`, then the audit event `action` with counts and k."""
    k_anonymity.check_parameters(k, max_suppression)
    with snapshot():
        cases = cases_for(actor)
        profiles = profiles_of(cases)
        decided = k_anonymity.plan(
            (known.qi for known in profiles.values()), k=k, max_suppression=max_suppression
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        written = 0
        for line in rows(cases, profiles, decided):
            writer.writerow(line)
            written += 1
    report = decided.report
    report["written"] = written
    record(
        actor=actor,
        username=COMMAND_LINE,
        action=action,
        object_type="case",
        detail={
            "count": {
                "records": report["records"],
                "published": written,
                "suppressed": report["suppressed"],
                "k": k,
            },
            "via": via,
            "target": target,
        },
    )
    return report
