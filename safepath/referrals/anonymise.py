"""Anonymising referrals with their case or person (retention, an approved erasure).

A referral keeps its codes (status, dates, recipient, the names of the fields that were
shared: the statistics of issue 6 count them) but loses what identifies or tells about
the person: the identity values in the snapshot the receiver reads, the purpose, the
reason for declining, the outcome and every progress update. The receiver sees the
referral without them from then on. Called by `safepath.cases.retention_services`
inside its transaction, with the rows locked there.
"""

from collections import Counter

from django.db.models import QuerySet

from safepath.referrals import sharing
from safepath.referrals.models import Referral, ReferralUpdate

FREE_TEXT = ("purpose", "decline_reason", "outcome")


def _anonymise(referrals: "QuerySet[Referral]") -> Counter[str]:
    removed: Counter[str] = Counter()
    for referral in referrals.select_for_update():
        changed = []
        values = sharing.decode(referral.shared) if referral.shared else {}
        kept = {
            name: value for name, value in values.items() if name not in sharing.IDENTITY_FIELDS
        }
        if kept != values:
            removed["referral.shared"] += len(values) - len(kept)
            referral.shared = sharing.encode(kept)
            changed.append("shared")
        for name in FREE_TEXT:
            if getattr(referral, name):
                removed[f"referral.{name}"] += 1
                setattr(referral, name, "")
                changed.append(name)
        if changed:
            referral.save(update_fields=[*changed, "updated_at"])
    updates = ReferralUpdate.objects.filter(referral__in=referrals)
    if count := updates.count():
        updates.delete()
        removed["referral.updates"] += count
    return removed


def anonymise_case_referrals(case_id: int) -> Counter[str]:
    return _anonymise(Referral.objects.filter(case_id=case_id))


def anonymise_person_referrals(person_id: int) -> Counter[str]:
    return _anonymise(Referral.objects.filter(person_id=person_id))
