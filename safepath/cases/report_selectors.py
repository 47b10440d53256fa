"""Every read of reports to law enforcement; `access_report` is the one door.

A report reaches whom its case reaches: the scope of `report.view` applied to the
case's organisation, team and owner.
"""

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import report_events
from safepath.cases.models import Case, LawEnforcementReport
from safepath.people.models import Consent, ConsentPurpose, Person
from safepath.people.selectors import valid_consent
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import UnknownCatalogue

BY_CASE = {
    "organisation_field": "case__organisation",
    "team_field": "case__team",
    "owner_field": "case__owner",
}


def visible_reports(actor: User) -> QuerySet[LawEnforcementReport]:
    return policies.scoped(
        actor, "report.view", LawEnforcementReport.objects.all(), **BY_CASE
    ).select_related("case", "case__person", "case__organisation", "created_by")


def _key(report_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(report_id))
    except ValueError as exc:
        raise Http404 from exc


def find_report(*, actor: User, report_id: uuid.UUID | str) -> LawEnforcementReport:
    """The report if `actor` may see it, else 404, *without* writing the read event.
    Only for a step that writes its own event about the report (the PDF: generating it
    is audited; a request sent to re-authenticate first is not a read)."""
    report = visible_reports(actor).filter(public_id=_key(report_id)).first()
    if report is None:
        raise Http404
    return report


def access_report(
    *, actor: User, report_id: uuid.UUID | str, purpose: str, via: str
) -> LawEnforcementReport:
    """The report, if `actor` may see it; otherwise 404, as if it did not exist. Each
    read is audited."""
    report = find_report(actor=actor, report_id=report_id)
    report_events.report_viewed(actor=actor, report=report, purpose=purpose, via=via)
    return report


def reports_of_case(actor: User, case: Case) -> QuerySet[LawEnforcementReport]:
    """The reports on a case the actor has already reached (none without `report.view`)."""
    return visible_reports(actor).filter(case=case)


def can_prepare(actor: User, case: Case) -> bool:
    return case.anonymised_at is None and policies.in_scope(
        actor, "report.prepare", case, owner_field="owner"
    )


def can_approve(actor: User, report: LawEnforcementReport) -> bool:
    """A supervisor in reach, who neither wrote nor submitted the report."""
    return policies.in_scope(
        actor, "report.approve", report.case, owner_field="owner"
    ) and actor.pk not in (report.created_by_id, report.submitted_by_id)


def valid_law_enforcement_consent(person: Person, *, organisation_id: int | None) -> Consent | None:
    """The person's valid consent to sharing with law enforcement (general, or for the
    report's organisation)."""
    return valid_consent(
        person, purpose=ConsentPurpose.LAW_ENFORCEMENT, organisation_id=organisation_id
    )


@dataclass(frozen=True, slots=True)
class IdentityBasis:
    """Whether the person's identity may go into the report, and why (a code that
    the audit may hold: `consent`, `child_protection`, `imminent_danger`, `redacted`)."""

    code: str
    consent: Consent | None = None

    @property
    def shares_identity(self) -> bool:
        return self.code != "redacted"


def identity_basis(report: LawEnforcementReport) -> IdentityBasis:
    """A recorded legal ground, else a valid consent (checked now: a withdrawn consent
    redacts the next PDF), else redacted."""
    if report.legal_ground:
        return IdentityBasis(report.legal_ground)
    consent = valid_law_enforcement_consent(
        report.case.person, organisation_id=report.case.organisation_id
    )
    if consent is not None:
        return IdentityBasis("consent", consent)
    return IdentityBasis("redacted")


def screening_indicators(case: Case, language: str | None = None) -> list[tuple[str, str]]:
    """The indicators observed in the case's screening, as (code, label), in the
    screening's order; empty when the case has no screening."""
    screening = case.screening
    if screening is None:
        return []
    return indicator_labels(
        screening.catalogue, screening.catalogue_version, screening.indicators, language
    )


def indicator_labels(
    catalogue_code: str, version: str, codes: list[str], language: str | None = None
) -> list[tuple[str, str]]:
    try:
        catalogue = registry().get(catalogue_code, version)
    except UnknownCatalogue:
        return [(code, "") for code in codes]
    language = (language or get_language() or "en").split("-")[0]
    return [
        (code, catalogue.indicators[code].label(language) if code in catalogue.indicators else "")
        for code in codes
    ]


def report_indicators(
    report: LawEnforcementReport, language: str | None = None
) -> list[tuple[str, str]]:
    """The report's indicators as (code, label in `language`)."""
    screening = report.case.screening
    if screening is None:
        return [(code, "") for code in report.indicators]
    return indicator_labels(
        screening.catalogue, screening.catalogue_version, list(report.indicators), language
    )
