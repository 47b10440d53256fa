"""The consent gate: identity leaves only with the person's valid consent for that
recipient, or a legal ground approved by another supervisor. A refusal writes nothing
but its audit event."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepath.accounts.models import Role
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent
from safepath.core.exceptions import NotAllowed
from safepath.directory.models import Service
from safepath.people.models import Consent, Person
from safepath.people.services import consent_record
from safepath.referrals import services, transition_services
from safepath.referrals.models import Notification, Referral, ReferralEvent
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.referrals.conftest import IDENTITY_SHARE

PROBLEM = "application/problem+json"


def _nothing_written_but_the_refusal(audit_before: int) -> None:
    assert Referral.objects.count() == 0
    assert ReferralEvent.objects.count() == 0
    assert Notification.objects.count() == 0
    assert CaseEvent.objects.filter(kind__startswith="referral_").count() == 0
    assert AuditEvent.objects.count() == audit_before + 1
    refusal = AuditEvent.objects.get(action="referral.refused")
    assert (refusal.outcome, refusal.object_type) == ("failure", "person")
    assert refusal.detail == {"reason": "consent_required", "via": "web"}


def test_identity_without_consent_or_legal_ground_is_refused_and_only_audited(
    cast: Cast, refer: Callable[..., Referral], person_a: Person
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(services.ReferralRefused) as refused:
        refer(share=IDENTITY_SHARE)
    assert refused.value.reason == "consent_required"
    assert "consent" in refused.value.message
    _nothing_written_but_the_refusal(before)
    assert AuditEvent.objects.get(action="referral.refused").object_id == str(person_a.public_id)


def test_no_identity_needs_no_consent(refer: Callable[..., Referral]) -> None:
    referral = refer(share=["code", "sex", "needs"])
    assert (referral.status, referral.consent, referral.legal_ground) == ("sent", None, "")


def test_a_consent_for_the_recipient_lets_identity_go(
    refer: Callable[..., Referral], referral_consent: Consent
) -> None:
    referral = refer(share=IDENTITY_SHARE)
    assert referral.status == "sent"
    assert referral.consent == referral_consent
    assert referral.shared_fields == ["code", "given_name", "family_name", "phone"]


def _consent(cast: Cast, person: Person, **values: Any) -> Consent:
    arguments: dict[str, Any] = {
        "actor": cast.caseworker_a,
        "person": person,
        "purpose": "referral",
        "given": True,
        "method": "oral_witnessed",
        "date": datetime.date(2026, 11, 1),
    }
    arguments.update(values)
    return consent_record(**arguments)


@pytest.mark.parametrize(
    "consent",
    [
        pytest.param({"recipient": "org_b"}, id="for-another-organisation"),
        pytest.param({"purpose": "data_processing"}, id="for-another-purpose"),
        pytest.param({"expires_on": datetime.date(2026, 11, 2)}, id="expired"),
        pytest.param({"given": False}, id="refused"),
    ],
)
def test_a_consent_that_does_not_cover_the_referral_is_refused(
    cast: Cast, refer: Callable[..., Referral], person_a: Person, consent: dict[str, Any]
) -> None:
    if consent.get("recipient") == "org_b":
        consent["recipient"] = cast.org_b
    _consent(cast, person_a, **consent)
    with pytest.raises(services.ReferralRefused):
        refer(share=["code", "phone"])
    assert Referral.objects.count() == 0


def test_a_withdrawn_consent_no_longer_counts(
    cast: Cast, refer: Callable[..., Referral], person_a: Person, referral_consent: Consent
) -> None:
    _consent(cast, person_a, given=False, recipient=cast.partner_org)
    with pytest.raises(services.ReferralRefused):
        refer(share=["code", "phone"])
    assert Referral.objects.count() == 0


def test_a_general_consent_to_referral_covers_a_recipient_outside_safepath(
    cast: Cast, refer: Callable[..., Referral], person_a: Person
) -> None:
    _consent(cast, person_a)
    referral = refer(
        service=None, external_recipient="Caritas Przemyśl", sent_via="phone", share=["phone"]
    )
    assert (referral.status, referral.to_organisation, referral.sent_via) == (
        "sent",
        None,
        "phone",
    )


def test_a_legal_ground_waits_for_another_supervisor_then_is_sent(
    cast: Cast, refer: Callable[..., Referral], django_capture_on_commit_callbacks: Any
) -> None:
    referral = refer(share=IDENTITY_SHARE, legal_ground="imminent_danger", urgent=True)
    assert (referral.status, referral.legal_ground) == ("awaiting_approval", "imminent_danger")
    assert referral.legal_ground_approved_by is None
    # Not sent yet: the partner has nothing, and no notification reached them.
    assert Notification.objects.filter(user=cast.partner).count() == 0
    assert list(Notification.objects.values_list("user__username", "kind")) == [
        ("supervisor.a", "referral_to_approve")
    ]
    with pytest.raises(NotAllowed):
        transition_services.referral_approve(actor=cast.caseworker_a2, referral=referral)
    approved = transition_services.referral_approve(actor=cast.supervisor_a, referral=referral)
    assert (approved.status, approved.legal_ground_approved_by) == ("sent", cast.supervisor_a)
    assert Notification.objects.filter(user=cast.partner, kind="referral_received").count() == 1
    assert list(ReferralEvent.objects.values_list("kind", flat=True)) == [
        "awaiting_approval",
        "approved",
    ]
    assert AuditEvent.objects.get(action="referral.approved").detail == {
        "via": "web",
        "target": "SHELTER",
        "reason": "imminent_danger",
    }


def test_the_author_cannot_approve_their_own_legal_ground(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer(
        actor=cast.supervisor_a, share=["code", "phone"], legal_ground="imminent_danger"
    )
    with pytest.raises(services.ReferralInvalid) as invalid:
        transition_services.referral_approve(actor=cast.supervisor_a, referral=referral)
    assert invalid.value.errors[0].field == "approver"
    referral.refresh_from_db()
    assert (referral.status, referral.legal_ground_approved_by) == ("awaiting_approval", None)
    other = UserFactory.create(
        username="supervisor2.a",
        role=Role.SUPERVISOR,
        organisation=cast.org_a,
        team=cast.team_a2,
    )
    assert transition_services.referral_approve(actor=other, referral=referral).status == "sent"


def test_a_supervisor_of_another_organisation_cannot_approve(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer(share=["code", "phone"], legal_ground="imminent_danger")
    outsider = UserFactory.create(
        username="supervisor.b", role=Role.SUPERVISOR, organisation=cast.org_b, team=cast.team_b
    )
    with pytest.raises(NotAllowed):
        transition_services.referral_approve(actor=outsider, referral=referral)
    referral.refresh_from_db()
    assert referral.status == "awaiting_approval"


def test_child_protection_is_a_ground_only_for_a_child(
    cast: Cast, refer: Callable[..., Referral], person_a: Person
) -> None:
    Person.objects.filter(pk=person_a.pk).update(age_band="18-59")
    person_a.refresh_from_db()
    with pytest.raises(services.ReferralInvalid) as invalid:
        refer(person=person_a, share=["code", "phone"], legal_ground="child_protection")
    assert [e.field for e in invalid.value.errors] == ["legal_ground"]
    Person.objects.filter(pk=person_a.pk).update(age_band="12-17")
    person_a.refresh_from_db()
    referral = refer(person=person_a, share=["code", "phone"], legal_ground="child_protection")
    assert referral.status == "awaiting_approval"


def test_an_unknown_legal_ground_is_bad_input(refer: Callable[..., Referral]) -> None:
    with pytest.raises(services.ReferralInvalid) as invalid:
        refer(share=["code", "phone"], legal_ground="because")
    assert [e.field for e in invalid.value.errors] == ["legal_ground"]
    assert Referral.objects.count() == 0


def test_the_api_answers_403_problem_json_and_writes_only_the_refusal(
    client: Client, cast: Cast, person_a: Person, case_a: Case, shelter: Service
) -> None:
    raw, _token = token_issue(user=cast.caseworker_a)
    before = AuditEvent.objects.count()
    body = {
        "person": str(person_a.public_id),
        "case": str(case_a.public_id),
        "screening": None,
        "service": str(shelter.public_id),
        "organisation": None,
        "external_recipient": None,
        "purpose": "Needs a safe place tonight.",
        "urgent": True,
        "share": IDENTITY_SHARE,
        "legal_ground": "",
    }
    response = client.post(
        "/api/v1/referrals",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "k-1"},
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert (problem["status"], problem["reason"], problem["title"]) == (
        403,
        "consent_required",
        "Referral refused",
    )
    assert Referral.objects.count() == 0
    # Not even the reads of the person and the case stay: only the refusal.
    assert AuditEvent.objects.count() == before + 1
    refusal = AuditEvent.objects.get(action="referral.refused")
    assert refusal.detail == {"reason": "consent_required", "via": "api"}
