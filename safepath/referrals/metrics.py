"""Referral metrics for the insights issue: aggregated counts only, never an id, a name
or a free text. Each function takes the referrals to count (a queryset the caller has
already scoped and filtered by date); the safe-statistics module applies minimum cell
sizes before anything leaves the system.

- by status: referrals per `ReferralStatus` code;
- by service type: referrals per service-type code of their service (a service of two
  types counts under both, so the total can exceed the number of referrals; a referral
  without a service counts under "none");
- by organisation: per recipient organisation code ("external" outside safepath);
- by voivodeship: per the person's voivodeship (TERYT code, "" when not recorded);
- time to acceptance: the median time from sending (or from the approval of a legal
  ground) to acceptance, over the referrals accepted;
- completion rate: completed ÷ referrals that have ended (completed, declined or
  withdrawn); None when none has ended.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from safepath.directory.taxonomies import SERVICE_TYPES
from safepath.referrals.models import Referral, ReferralEvent, ReferralStatus

ENDED = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN)
ACCEPTED_EVER = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
)


@dataclass(frozen=True, slots=True)
class ReferralMetrics:
    total: int
    by_status: dict[str, int]
    by_service_type: dict[str, int]
    by_organisation: dict[str, int]
    by_voivodeship: dict[str, int]
    median_time_to_acceptance: datetime.timedelta | None
    accepted: int
    completion_rate: float | None
    completed: int
    ended: int


def _counts(referrals: QuerySet[Referral], field: str) -> dict[str, int]:
    rows = referrals.order_by().values(field).annotate(n=Count("pk", distinct=True))
    return {str(row[field] or ""): row["n"] for row in rows}


def by_status(referrals: QuerySet[Referral]) -> dict[str, int]:
    return _counts(referrals, "status")


def by_service_type(referrals: QuerySet[Referral]) -> dict[str, int]:
    typed = referrals.filter(
        service__attributes__taxonomy_term__taxonomy__code=SERVICE_TYPES
    ).order_by()
    result = {
        row["service__attributes__taxonomy_term__code"]: row["n"]
        for row in typed.values("service__attributes__taxonomy_term__code").annotate(
            n=Count("pk", distinct=True)
        )
    }
    untyped = referrals.exclude(pk__in=typed.values("pk")).count()
    if untyped:
        result["none"] = untyped
    return result


def by_organisation(referrals: QuerySet[Referral]) -> dict[str, int]:
    counts = _counts(referrals, "to_organisation__code")
    if "" in counts:
        counts["external"] = counts.pop("")
    return counts


def by_voivodeship(referrals: QuerySet[Referral]) -> dict[str, int]:
    return _counts(referrals, "person__voivodeship")


def acceptance_times(referrals: QuerySet[Referral]) -> list[datetime.timedelta]:
    """For each referral accepted, the time from when it was sent (its `sent` or
    `approved` event) to its acceptance (`answered_at`)."""
    sent_at = (
        ReferralEvent.objects.filter(referral=OuterRef("pk"), kind__in=("sent", "approved"))
        .order_by("-at")
        .values("at")[:1]
    )
    rows = (
        referrals.filter(status__in=ACCEPTED_EVER, answered_at__isnull=False)
        .annotate(sent_at=Coalesce(Subquery(sent_at), "created_at"))
        .values_list("sent_at", "answered_at")
    )
    return [answered - sent for sent, answered in rows]


def median_time_to_acceptance(referrals: QuerySet[Referral]) -> datetime.timedelta | None:
    return _median(acceptance_times(referrals))


def _median(times: list[datetime.timedelta]) -> datetime.timedelta | None:
    if not times:
        return None
    seconds = statistics.median(t.total_seconds() for t in times)
    return datetime.timedelta(seconds=round(seconds))


def completion_rate(referrals: QuerySet[Referral]) -> float | None:
    ended = referrals.filter(status__in=ENDED).count()
    if not ended:
        return None
    return referrals.filter(status=ReferralStatus.COMPLETED).count() / ended


def summary(referrals: QuerySet[Referral]) -> ReferralMetrics:
    """Every metric of these referrals (those awaiting a supervisor's approval were
    never sent, so they are left out)."""
    sent = referrals.exclude(status=ReferralStatus.AWAITING_APPROVAL)
    statuses = by_status(sent)
    ended = sum(statuses.get(code, 0) for code in ENDED)
    completed = statuses.get(ReferralStatus.COMPLETED, 0)
    times = acceptance_times(sent)
    return ReferralMetrics(
        total=sum(statuses.values()),
        by_status=statuses,
        by_service_type=by_service_type(sent),
        by_organisation=by_organisation(sent),
        by_voivodeship=by_voivodeship(sent),
        median_time_to_acceptance=_median(times),
        accepted=len(times),
        completion_rate=completed / ended if ended else None,
        completed=completed,
        ended=ended,
    )
