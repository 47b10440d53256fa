"""Referral metrics: counts by status, service type, organisation and voivodeship, the
median time to acceptance and the completion rate. Aggregates only: no ids."""

import datetime
from collections.abc import Callable

from safepath.referrals import metrics, transition_services
from safepath.referrals.models import Referral, ReferralEvent
from tests.conftest import Cast
from tests.referrals.conftest import directory_service


def test_the_summary_counts_each_referral_once_and_leaves_out_those_never_sent(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    completed = transition_services.referral_accept(actor=cast.partner, referral=refer())
    completed = transition_services.referral_complete(
        actor=cast.partner, referral=completed, outcome="Ok"
    )
    transition_services.referral_decline(actor=cast.partner, referral=refer(), reason="Full")
    transition_services.referral_withdraw(actor=cast.caseworker_a, referral=refer())
    refer()  # still sent
    refer(service=None, to_organisation=cast.org_b)
    legal = directory_service(organisation=None, types=("legal_aid", "hotline"))
    refer(service=legal, sent_via="email")
    refer(share=["code", "phone"], legal_ground="imminent_danger")  # awaiting approval

    # The acceptance came 2 hours after sending.
    sent_event = ReferralEvent.objects.get(referral=completed, kind="sent")
    Referral.objects.filter(pk=completed.pk).update(
        answered_at=sent_event.at + datetime.timedelta(hours=2)
    )

    summary = metrics.summary(Referral.objects.all())
    assert summary.total == 6
    assert summary.by_status == {
        "completed": 1,
        "declined": 1,
        "withdrawn": 1,
        "sent": 3,
    }
    assert summary.by_service_type == {"shelter": 4, "legal_aid": 1, "hotline": 1, "none": 1}
    assert summary.by_organisation == {"SHELTER": 4, "ORGB": 1, "external": 1}
    assert summary.by_voivodeship == {"14": 6}
    assert summary.median_time_to_acceptance == datetime.timedelta(hours=2)
    assert (summary.accepted, summary.completed, summary.ended) == (1, 1, 3)
    assert summary.completion_rate == 1 / 3


def test_no_referrals_no_rates(cast: Cast) -> None:
    summary = metrics.summary(Referral.objects.all())
    assert summary.total == 0
    assert summary.by_status == {}
    assert (summary.median_time_to_acceptance, summary.completion_rate) == (None, None)


def test_metrics_hold_no_identifiers(cast: Cast, refer: Callable[..., Referral]) -> None:
    referral = refer()
    text = repr(metrics.summary(Referral.objects.all()))
    for identifier in (str(referral.public_id), referral.person.code, "SP-"):
        assert identifier not in text
