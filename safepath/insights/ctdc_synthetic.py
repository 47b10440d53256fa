"""Cases in the columns of the CTDC synthetic-data codebook v2, k-anonymised, as CSV.

The Counter Trafficking Data Collaborative publishes its Global Synthetic Dataset with
the 27 variables of codebook v2 (February 2024; `shared/reference/ctdc_codebook_v2.md`,
first table): missing is empty (NULL), a binary variable is 1 or empty. This module
writes safepath's cases in **those columns**, for contributing to the global hub.

**safepath does not generate synthetic data.** There is no differential privacy here:
CTDC makes its synthetic dataset itself from what organisations contribute. Every row
of this file is one real person (their latest case in reach, as in the CTDC Global
Dataset export), so the file is k-anonymised exactly like that export: on the same
quasi-identifiers (`k_anonymity.QUASI_IDENTIFIERS`: gender, ageBroad, citizenship,
CountryOfExploitation, yearOfRegistration), by the same generalisation ladder and
suppression, with the same defaults (k = 11, at most 5% suppressed rather than
generalising further). The report is `k_anonymity.plan`'s. The file never holds a name,
a date of birth, a phone number, free text or a safepath id.

How the columns are filled (the mappings are `safepath.insights.ctdc`'s; its v6 columns
are folded into v2's):

- `yearOfRegistration`, `gender`, `ageBroad`, `citizenship`, `CountryOfExploitation`:
  as in the CTDC export (its quasi-identifiers, possibly generalised: `00--17`,
  `18--29`, `30--47`, `18+`, `Other`, five-year periods `2020--2024`), missing empty.
- `traffickMonths`: always empty. safepath records no duration of exploitation.
- `meansDebtBondageEarnings` = DebtBondage or TakesEarnings; `meansThreats` = Threats,
  UsesChildren or ThreatOfLawEnforcement; `meansAbusePsyPhySex` = psychological,
  physical or sexual abuse; `meansFalsePromises`; `meansDrugsAlcohol` =
  PsychoactiveSubstances; `meansDenyBasicNeeds` = RestrictsFinancialAccess,
  RestrictsMovement, RestrictsMedicalCare or WithholdsNecessities;
  `meansExcessiveWorkHours`; `meansWithholdDocs`. A means recorded as "Other" has no
  v2 column.
- `isForcedLabour`, `isSexualExploit`, `isOtherExploit` as in the CTDC export
  (`isOtherExploit`: forced marriage, forced military, organ removal, and the other
  types CTDC has no column for). Servitude (CTDC v6 `isSlaveryAndPractices`) has no v2
  column and sets none of the three.
- `typeOfLabourAgriculture`, `…Construction`, `…DomesticWork`, `…Hospitality`: ISIC
  sections A, F, T, I.
- `typeOfSexProstitution`, `typeOfSexPornography`: always empty (not recorded).
- `recruiterRelationIntimatePartner` (never recorded: empty), `…Friend`, `…Family`,
  `…Other`: as in the CTDC export; no relationship recorded leaves all four empty.
"""

from collections.abc import Iterator
from typing import Any, Final, TextIO

from django.db.models import QuerySet

from safepath.accounts.models import User
from safepath.cases.models import Case
from safepath.insights import ctdc, k_anonymity

YES: Final = "1"
MISSING: Final = ""

QUASI_IDENTIFIER_COLUMNS: Final = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
)
# v2 column → the CTDC v6 columns (`ctdc.details`) any of which sets it.
FROM_V6: Final[dict[str, tuple[str, ...]]] = {
    "meansDebtBondageEarnings": (
        "meansOfControlDebtBondage",
        "meansOfControlTakesEarnings",
    ),
    "meansThreats": (
        "meansOfControlThreats",
        "meansOfControlUsesChildren",
        "meansOfControlThreatOfLawEnforcement",
    ),
    "meansAbusePsyPhySex": (
        "meansOfControlPsychologicalAbuse",
        "meansOfControlPhysicalAbuse",
        "meansOfControlSexualAbuse",
    ),
    "meansFalsePromises": ("meansOfControlFalsePromises",),
    "meansDrugsAlcohol": ("meansOfControlPsychoactiveSubstances",),
    "meansDenyBasicNeeds": (
        "meansOfControlRestrictsFinancialAccess",
        "meansOfControlRestrictsMovement",
        "meansOfControlRestrictsMedicalCare",
        "meansOfControlWithholdsNecessities",
    ),
    "meansExcessiveWorkHours": ("meansOfControlExcessiveWorkingHours",),
    "meansWithholdDocs": ("meansOfControlWithholdsDocuments",),
    "isForcedLabour": ("isForcedLabour",),
    "isSexualExploit": ("isSexualExploit",),
    "isOtherExploit": ("isOtherExploit",),
    "typeOfLabourAgriculture": ("typeOfLabourAgriculture",),
    "typeOfLabourConstruction": ("typeOfLabourConstruction",),
    "typeOfLabourDomesticWork": ("typeOfLabourDomesticWork",),
    "typeOfLabourHospitality": ("typeOfLabourHospitality",),
    "typeOfSexProstitution": ("typeOfSexProstitution",),
    "typeOfSexPornography": ("typeOfSexPornography",),
    "recruiterRelationIntimatePartner": ("recruiterRelationIntimatePartner",),
    "recruiterRelationFriend": ("recruiterRelationFriend",),
    "recruiterRelationFamily": ("recruiterRelationFamily",),
    "recruiterRelationOther": ("recruiterRelationOther",),
}
BINARY_COLUMNS: Final = tuple(FROM_V6)

# The 27 variables, in the codebook's order.
COLUMNS: Final = (
    *QUASI_IDENTIFIER_COLUMNS,
    "traffickMonths",
    *BINARY_COLUMNS,
)


def _published(value: str) -> str:
    return MISSING if value == k_anonymity.MISSING else value


def row_of(qi: k_anonymity.QI, v6: dict[str, str]) -> list[str]:
    """One CSV row from the generalised quasi-identifiers `qi` (in the order of
    `k_anonymity.QUASI_IDENTIFIERS`) and the case's CTDC v6 columns (`ctdc.details`)."""
    values = {
        name: _published(value)
        for name, value in zip(k_anonymity.QUASI_IDENTIFIERS, qi, strict=True)
    }
    values["traffickMonths"] = MISSING
    for column, sources in FROM_V6.items():
        values[column] = YES if any(v6.get(source) == ctdc.YES for source in sources) else MISSING
    return [values[name] for name in COLUMNS]


def _rows(
    cases: "QuerySet[Case]", profiles: dict[int, ctdc.Profile], decided: k_anonymity.Plan
) -> Iterator[list[str]]:
    picklists = cases.values_list(
        "pk",
        "exploitation_types",
        "forced_labour_industries",
        "means_of_control",
        "relationship_to_trafficker",
    )
    for pk, types, industries, means, relationship in picklists.iterator(chunk_size=ctdc.CHUNK):
        known = profiles.get(pk)
        if known is None:  # opened after the first pass: not in the plan
            continue
        qi = decided.apply(known.qi)
        if qi is None:
            continue
        yield row_of(
            qi,
            ctdc.details(
                exploitation_types=list(types or []),
                industries=list(industries or []),
                means=list(means or []),
                relationship=relationship,
            ),
        )


def write_synthetic_v2(
    handle: TextIO,
    *,
    actor: User | None,
    k: int = k_anonymity.DEFAULT_K,
    max_suppression: float = k_anonymity.DEFAULT_MAX_SUPPRESSION,
    via: str = "command",
) -> dict[str, Any]:
    """Write the k-anonymised codebook v2 CSV of the cases `actor` may see (every case
    when `actor` is None: the administrator's command line) to `handle`, and return the
    report of `k_anonymity.plan`. Two passes inside one snapshot, streaming, as
    `ctdc.write_ctdc`. Audited once written, with counts and k only."""
    return ctdc.write_k_anonymised(
        handle,
        actor=actor,
        k=k,
        max_suppression=max_suppression,
        columns=COLUMNS,
        rows=_rows,
        action="insights.ctdc_synthetic_exported",
        target="ctdc_synthetic_v2",
        via=via,
    )
