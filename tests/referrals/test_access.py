"""Who reaches a referral: its senders (by scope) and the recipient organisation's
focal points. Everyone else gets 404, like a referral that does not exist, and
nothing is written or logged as read for them."""

import json
import uuid
from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client

from safepath.accounts.models import Role, User
from safepath.accounts.services import token_issue
from safepath.audit.models import AuditEvent
from safepath.referrals import selectors
from safepath.referrals.models import Referral, ReferralEvent
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory

PROBLEM = "application/problem+json"
ACTIONS = {
    "approve": {},
    "accept": {},
    "decline": {"reason": "No."},
    "start": {},
    "complete": {"outcome": "Done."},
    "withdraw": {"reason": ""},
    "updates": {"text": "Hello."},
}


def _headers(user: User) -> dict[str, str]:
    raw, _token = token_issue(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _every_route(client: Client, referral_id: str, headers: dict[str, str]) -> list[int]:
    path = f"/api/v1/referrals/{referral_id}"
    answers = [client.get(path, headers=headers)]
    for action, body in ACTIONS.items():
        answers.append(
            client.post(
                f"{path}/{action}",
                data=json.dumps(body),
                content_type="application/json",
                headers=headers,
            )
        )
    assert all(a["Content-Type"] == PROBLEM for a in answers)
    return [a.status_code for a in answers]


def _unchanged(referral: Referral) -> None:
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.status, fresh.version) == (referral.status, referral.version)
    assert fresh.updates.count() == 0
    assert ReferralEvent.objects.filter(referral=referral).count() == 1  # "sent" only


def test_outsider_gets_404_like_a_missing_referral_and_nothing_is_written(
    client: Client, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    headers = _headers(cast.caseworker_b)
    audit_before = AuditEvent.objects.count()
    hidden = _every_route(client, str(referral.public_id), headers)
    missing = _every_route(client, str(uuid.uuid4()), headers)
    assert hidden == missing == [404] * 8
    _unchanged(referral)
    assert AuditEvent.objects.count() == audit_before
    listed = client.get("/api/v1/referrals", headers=headers).json()
    assert listed["items"] == []


def test_a_partner_never_sees_other_organisations_referrals(
    client: Client, cast: Cast, refer: Callable[..., Referral]
) -> None:
    to_b = refer(service=None, to_organisation=cast.org_b)
    to_shelter = refer()
    other_org = OrganisationFactory.create(code="CLINIC", name="Clinic", type="service_provider")
    other_partner = UserFactory.create(
        username="partner.clinic", role=Role.PARTNER_FOCAL_POINT, organisation=other_org
    )
    assert _every_route(client, str(to_b.public_id), _headers(cast.partner)) == [404] * 8
    assert _every_route(client, str(to_shelter.public_id), _headers(other_partner)) == [404] * 8
    _unchanged(to_b)
    _unchanged(to_shelter)
    assert [r.pk for r in selectors.visible_referrals(cast.partner)] == [to_shelter.pk]
    assert list(selectors.visible_referrals(other_partner)) == []
    assert AuditEvent.objects.filter(action="referral.viewed").count() == 0


def test_roles_without_referrals_get_404_and_list_nothing(
    client: Client, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    for user in (cast.analyst, cast.trainer, cast.admin):
        headers = _headers(user)
        assert _every_route(client, str(referral.public_id), headers) == [404] * 8
        assert client.get("/api/v1/referrals", headers=headers).json()["items"] == []
        created = client.post(
            "/api/v1/referrals",
            data=json.dumps({"person": str(referral.person.public_id), "purpose": "x"}),
            content_type="application/json",
            headers=headers,
        )
        assert created.status_code == 404
    _unchanged(referral)
    assert Referral.objects.count() == 1


def test_senders_reach_by_scope(cast: Cast, refer: Callable[..., Referral]) -> None:
    referral = refer()
    for user in (cast.caseworker_a, cast.caseworker_a2, cast.supervisor_a):
        found = selectors.access_referral(
            actor=user, referral_id=referral.public_id, purpose="test", via="web"
        )
        assert found == referral
    assert AuditEvent.objects.filter(action="referral.viewed").count() == 3
    for user in (cast.caseworker_a_other_team, cast.hotline, cast.caseworker_b):
        with pytest.raises(Http404):
            selectors.access_referral(
                actor=user, referral_id=referral.public_id, purpose="test", via="web"
            )
    assert AuditEvent.objects.filter(action="referral.viewed").count() == 3


def test_a_bad_id_is_404(cast: Cast) -> None:
    with pytest.raises(Http404):
        selectors.access_referral(
            actor=cast.caseworker_a, referral_id="not-a-uuid", purpose="test", via="web"
        )


def test_anonymous_is_401_and_nothing_is_written(
    client: Client, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    audit_before = AuditEvent.objects.count()
    assert _every_route(client, str(referral.public_id), {}) == [401] * 8
    assert client.get("/api/v1/referrals").status_code == 401
    created = client.post(
        "/api/v1/referrals",
        data=json.dumps({"person": str(referral.person.public_id), "purpose": "x"}),
        content_type="application/json",
    )
    assert created.status_code == 401
    _unchanged(referral)
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.count() == audit_before
