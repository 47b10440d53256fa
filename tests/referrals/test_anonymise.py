"""Anonymising a case (retention) removes from its referrals what identifies or tells
about the person: identity values in the snapshot, the purpose, reasons, outcome and
updates. The codes stay for the statistics; the receiver sees the referral without
them."""

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from safepath.cases.models import Case
from safepath.cases.retention_services import run_retention
from safepath.people.models import Consent
from safepath.referrals import selectors, sharing, transition_services
from safepath.referrals.models import Referral, ReferralUpdate
from tests.cases.retention_setup import close
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_retention_empties_what_a_referral_says_about_the_person(
    cast: Cast,
    case_a: Case,
    refer: Callable[..., Referral],
    referral_consent: Consent,
    settings: Settings,
) -> None:
    referral = refer(share=["code", "age_band", "given_name", "phone"], purpose="Near school 7")
    referral = transition_services.referral_accept(actor=cast.partner, referral=referral)
    transition_services.referral_add_update(
        actor=cast.partner, referral=referral, text="Oksana arrived with her son."
    )
    referral = transition_services.referral_complete(
        actor=cast.partner, referral=referral, outcome="Moved to ul. Długa 5."
    )
    assert "given_name" in sharing.decode(referral.shared)

    close(cast, case_a, days_ago=settings.SAFEPATH_CASE_RETENTION_DAYS + 1)
    assert run_retention(via="test").cases == 1

    referral.refresh_from_db()
    kept = sharing.decode(referral.shared)
    assert set(kept) == {"code", "age_band"}
    assert (referral.purpose, referral.outcome, referral.decline_reason) == ("", "", "")
    assert not ReferralUpdate.objects.filter(referral=referral).exists()
    # The codes stay: status, recipient, the names of the fields that were shared.
    assert (referral.status, referral.to_organisation) == ("completed", cast.partner_org)
    assert referral.shared_fields == ["code", "age_band", "given_name", "phone"]
    shown = " ".join(f"{f.label} {f.value}" for f in selectors.shared_view(referral))
    assert "Oksana" not in shown
    assert "601234567" not in shown
