"""Who may do what: capabilities per role, each with a record scope.

This is the one place that says what a role may do. Apps ask
`scope_for(user, "person.view")` or `require(user, "person.create")`, and
filter querysets with `scoped(user, capability, queryset, ...)`. A scope is
the widest set of records the capability reaches:

- own: records the user created or owns
- team: records of the user's team
- organisation: records of the user's organisation
- all: every record

No scope means no access. Identity fields are a separate capability
(`person.view_identity`), so an analyst can list pseudonymous records
without ever seeing a name. `screening.view` and `screening.create` follow
`person.view` and `person.create` role by role: analysts read screenings (with the
person's pseudonymous code only) but never create them. Cases (`case.*`) reach by the
case's owner (`owner_field="owner"`) rather than its creator: a caseworker sees the
cases of their team and the cases they own; supervisors assign them within their
organisation; hotline operators have none; analysts read them without identity.

Direct assistance, stock and shelter (`safepath/cases/assistance_*`):
`assistance.record` and `assistance.view` reach a case by its owner and a person by
their creator, like the case and the person themselves; analysts read assistance
(which holds no identity) but never record it. Stock and shelters belong to an
organisation: `stock.view` (supervisors, caseworkers) shows its warehouses, and
issuing from one needs `assistance.record` on the case plus `stock.view` on the
warehouse; `stock.manage` (supervisors) creates warehouses, receives, transfers and
sets low-stock thresholds. `shelter.manage` (supervisors) creates shelters;
`shelter.admit` (supervisors and caseworkers, organisation-wide, since a shelter's
places are shared by every team) records admissions and departures; `shelter.view`
shows the shelters, their occupancy and their residents' codes.

Reports to law enforcement (`report.*`, `safepath/cases/report_*`) reach by their
case (its organisation, team and owner): caseworkers prepare, send and follow up the
reports of the cases they reach, supervisors those of the organisation and approve them
(never their own); analysts and everyone else have none.

Insights (`safepath/insights/`): `insights.view` (analysts and supervisors of their
organisation, administrators of every organisation) shows the dashboards, the alerts and
the safe statistics API: counts only, never a record. `insights.export` (analysts)
produces the standard exports (CTDC, HXL, the monthly trends report).
"""

from enum import IntEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from safepath.accounts.models import Role

if TYPE_CHECKING:
    from safepath.accounts.models import User


class Scope(IntEnum):
    OWN = 1
    TEAM = 2
    ORGANISATION = 3
    ALL = 4


OWN, TEAM, ORG, ALL = Scope.OWN, Scope.TEAM, Scope.ORGANISATION, Scope.ALL

CAPABILITIES: dict[str, dict[str, Scope]] = {
    Role.ADMIN: {
        "organisation.manage": ALL,
        "user.manage": ALL,
        "audit.view": ALL,
        "catalogue.manage": ALL,
        "directory.view": ALL,
        "directory.manage": ALL,
        "pathway.manage": ALL,
        "insights.view": ALL,
    },
    Role.SUPERVISOR: {
        "person.view": ORG,
        "person.view_identity": ORG,
        "person.create": ORG,
        "person.change": ORG,
        "consent.record": ORG,
        "screening.view": ORG,
        "screening.create": ORG,
        "screening.import": ORG,
        "case.view": ORG,
        "case.create": ORG,
        "case.change": ORG,
        "case.assign": ORG,
        "report.view": ORG,
        "report.prepare": ORG,
        "report.approve": ORG,
        "case.approve": ORG,
        "assistance.record": ORG,
        "assistance.view": ORG,
        "stock.view": ORG,
        "stock.manage": ORG,
        "shelter.view": ORG,
        "shelter.manage": ORG,
        "shelter.admit": ORG,
        "directory.view": ALL,
        "directory.manage": ALL,
        "referral.view": ORG,
        "referral.create": ORG,
        "referral.approve_legal_ground": ORG,
        "insights.view": ORG,
    },
    Role.CASEWORKER: {
        "person.view": TEAM,
        "person.view_identity": TEAM,
        "person.create": TEAM,
        "person.change": TEAM,
        "consent.record": TEAM,
        "screening.view": TEAM,
        "screening.create": TEAM,
        "case.view": TEAM,
        "case.create": TEAM,
        "case.change": TEAM,
        "report.view": TEAM,
        "report.prepare": TEAM,
        "assistance.record": TEAM,
        "assistance.view": TEAM,
        "stock.view": ORG,
        "shelter.view": ORG,
        "shelter.admit": ORG,
        "directory.view": ALL,
        "referral.view": TEAM,
        "referral.create": TEAM,
    },
    Role.HOTLINE_OPERATOR: {
        "person.view": OWN,
        "person.view_identity": OWN,
        "person.create": OWN,
        "person.change": OWN,
        "consent.record": OWN,
        "screening.view": OWN,
        "screening.create": OWN,
        "directory.view": ALL,
        "referral.view": OWN,
        "referral.create": OWN,
    },
    Role.PARTNER_FOCAL_POINT: {
        "directory.view": ALL,
        # Their own organisation's services, and referrals sent to it (by `to_organisation`).
        "directory.maintain": ORG,
        "referral.receive": ORG,
    },
    Role.ANALYST: {
        "person.view": ORG,
        "screening.view": ORG,
        "case.view": ORG,
        "assistance.view": ORG,
        "directory.view": ALL,
        "insights.view": ORG,
        "insights.export": ORG,
    },
    Role.TRAINER: {},
}


def scope_for(user: "User", capability: str) -> Scope | None:
    if not user.is_authenticated or not user.is_active or not user.role:
        return None
    return CAPABILITIES.get(user.role, {}).get(capability)


def can(user: "User", capability: str) -> bool:
    return scope_for(user, capability) is not None


def require(user: "User", capability: str) -> Scope:
    scope = scope_for(user, capability)
    if scope is None:
        raise PermissionDenied(capability)
    return scope


def scope_filter(
    user: "User",
    capability: str,
    *,
    organisation_field: str = "organisation",
    team_field: str = "team",
    owner_field: str = "created_by",
) -> Q | None:
    """The Q that keeps the records in reach, or None when nothing is."""
    scope = scope_for(user, capability)
    if scope is None:
        return None
    if scope is ALL:
        return Q()
    if scope is ORG:
        return Q(**{f"{organisation_field}_id": user.organisation_id})
    if scope is TEAM:
        if user.team_id is None:
            return Q(**{f"{owner_field}_id": user.pk})
        return Q(**{f"{team_field}_id": user.team_id}) | Q(**{f"{owner_field}_id": user.pk})
    return Q(**{f"{owner_field}_id": user.pk})


def scoped[R: Model](
    user: "User", capability: str, queryset: QuerySet[R], **fields: str
) -> QuerySet[R]:
    condition = scope_filter(user, capability, **fields)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def in_scope(
    user: "User", capability: str, record: Model, *, owner_field: str = "created_by"
) -> bool:
    """Whether one record (with organisation, team and owner) is within reach."""
    scope = scope_for(user, capability)
    if scope is None:
        return False
    if scope is ALL:
        return True
    if scope is ORG:
        return bool(getattr(record, "organisation_id", None) == user.organisation_id)
    owned = bool(getattr(record, f"{owner_field}_id", None) == user.pk)
    if scope is TEAM and user.team_id is not None:
        return owned or bool(getattr(record, "team_id", None) == user.team_id)
    return owned
