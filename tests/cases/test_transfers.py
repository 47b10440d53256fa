"""Transferring a case to another organisation: with the person's referral consent,
decided by a supervisor of the receiving organisation, who alone sees the proposal;
accepting moves the case and the person; declining says why and moves nothing."""

import datetime
import uuid
from typing import Any

import pytest
from django.test import Client

from safepath.accounts.models import Role, User
from safepath.audit.models import AuditEvent
from safepath.cases import export_services, tasks
from safepath.cases.models import Case, CaseExport, CaseTransfer
from safepath.cases.services import CaseInvalid
from safepath.cases.transfer_services import transfer_decide, transfer_request
from safepath.core.exceptions import NotAllowed
from safepath.people import services as people_services
from tests.conftest import Cast
from tests.factories import UserFactory


@pytest.fixture
def supervisor_b(cast: Cast) -> User:
    user = UserFactory.create(
        username="supervisor.b", role=Role.SUPERVISOR, organisation=cast.org_b, team=cast.team_b
    )
    assert isinstance(user, User)
    return user


def _consent_to_refer(cast: Cast, case: Case) -> None:
    people_services.consent_record(
        actor=cast.caseworker_a,
        person=case.person,
        purpose="referral",
        given=True,
        method="written",
        date=datetime.date(2026, 11, 30),
        recipient=cast.org_b,
    )


def test_a_transfer_needs_the_persons_consent_to_be_referred(cast: Cast, case_a: Case) -> None:
    with pytest.raises(CaseInvalid) as raised:
        transfer_request(
            actor=cast.caseworker_a,
            case=case_a,
            to_organisation=cast.org_b,
            reason="Lives in Lublin now",
        )
    assert [e.field for e in raised.value.errors] == ["consent"]
    assert not CaseTransfer.objects.exists()


def test_accepting_moves_the_case_and_the_person(
    cast: Cast, case_a: Case, supervisor_b: User, login: Any
) -> None:
    _consent_to_refer(cast, case_a)
    transfer = transfer_request(
        actor=cast.caseworker_a, case=case_a, to_organisation=cast.org_b, reason="Moved"
    )
    with pytest.raises(CaseInvalid):
        transfer_request(
            actor=cast.caseworker_a, case=case_a, to_organisation=cast.org_b, reason="Again"
        )
    # Only the receiving organisation's supervisor decides.
    for user in (cast.supervisor_a, cast.caseworker_b, cast.caseworker_a):
        with pytest.raises(NotAllowed):
            transfer_decide(actor=user, transfer=transfer, accept=True)
    page = login(supervisor_b).get("/en/app/cases/my-work/").content.decode()
    assert case_a.person.code in page
    assert "Oksana" not in page  # the receiver sees no identity before accepting
    transfer_decide(actor=supervisor_b, transfer=transfer, accept=True)
    case_a.refresh_from_db()
    case_a.person.refresh_from_db()
    assert (case_a.organisation, case_a.owner, case_a.team) == (
        cast.org_b,
        supervisor_b,
        cast.team_b,
    )
    assert case_a.person.organisation == cast.org_b
    assert login(cast.caseworker_a).get(case_a.get_absolute_url()).status_code == 404
    assert login(supervisor_b).get(case_a.get_absolute_url()).status_code == 200


def test_declining_says_why_and_moves_nothing(cast: Cast, case_a: Case, supervisor_b: User) -> None:
    _consent_to_refer(cast, case_a)
    transfer = transfer_request(
        actor=cast.caseworker_a, case=case_a, to_organisation=cast.org_b, reason="Moved"
    )
    with pytest.raises(CaseInvalid):
        transfer_decide(actor=supervisor_b, transfer=transfer, accept=False)
    decided = transfer_decide(
        actor=supervisor_b, transfer=transfer, accept=False, comment="No places"
    )
    assert decided.status == "declined"
    case_a.refresh_from_db()
    assert case_a.organisation == cast.org_a


def test_the_pages_propose_and_decide(
    cast: Cast, case_a: Case, supervisor_b: User, login: Any
) -> None:
    _consent_to_refer(cast, case_a)
    login(cast.caseworker_a).post(
        f"/en/app/cases/{case_a.public_id}/transfer/",
        {"to_organisation": cast.org_b.pk, "reason": "Moved to Lublin"},
    )
    transfer = CaseTransfer.objects.get()
    url = f"/en/app/cases/transfers/{transfer.public_id}/"
    client = login(supervisor_b)
    page = client.get(url).content.decode()
    assert "Moved to Lublin" in page
    response = client.post(url, {"decision": "accept"})
    assert response["Location"] == case_a.get_absolute_url()
    transfer.refresh_from_db()
    assert transfer.status == "accepted"


def test_who_may_not_gets_404_and_nothing_changes(
    cast: Cast, case_a: Case, supervisor_b: User, login: Any
) -> None:
    _consent_to_refer(cast, case_a)
    transfer = transfer_request(
        actor=cast.caseworker_a, case=case_a, to_organisation=cast.org_b, reason="Moved"
    )
    decide = f"/en/app/cases/transfers/{transfer.public_id}/"
    propose = f"/en/app/cases/{case_a.public_id}/transfer/"
    for user in (
        cast.supervisor_a,
        cast.caseworker_a,
        cast.caseworker_b,
        cast.analyst,
        cast.hotline,
        cast.partner,
        cast.admin,
    ):
        client = login(user)
        assert client.get(decide).status_code == 404
        assert client.post(decide, {"decision": "accept"}).status_code == 404
    for user in (cast.caseworker_b, supervisor_b, cast.analyst, cast.hotline, cast.admin):
        assert (
            login(user).post(propose, {"to_organisation": cast.org_b.pk, "reason": "x"}).status_code
            == 404
        )
    assert login(supervisor_b).get(f"/en/app/cases/transfers/{uuid.uuid4()}/").status_code == 404
    transfer.refresh_from_db()
    case_a.refresh_from_db()
    assert transfer.status == "pending"
    assert case_a.organisation == cast.org_a
    assert CaseTransfer.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast, case_a: Case) -> None:
    response = client.post(
        f"/en/app/cases/{case_a.public_id}/transfer/",
        {"to_organisation": cast.org_b.pk, "reason": "x"},
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not CaseTransfer.objects.exists()


def test_accepting_withdraws_the_senders_exports_with_identity(
    cast: Cast, case_a: Case, supervisor_b: User, settings: Any, tmp_path: Any
) -> None:
    settings.SAFEPATH_PRIVATE_DIR = tmp_path
    with_identity = export_services.caseload_export_request(
        actor=cast.caseworker_a, kind="caseload_csv", status="", identity=True, language="en"
    )
    tasks.build_case_export.call(with_identity.pk)
    _consent_to_refer(cast, case_a)
    transfer = transfer_request(
        actor=cast.caseworker_a, case=case_a, to_organisation=cast.org_b, reason="Moved"
    )
    transfer_decide(actor=supervisor_b, transfer=transfer, accept=True)
    with_identity.refresh_from_db()
    assert with_identity.status == "expired"
    withdrawn = AuditEvent.objects.get(action="case.export_purged")
    assert withdrawn.detail["reason"] == "transferred"
    assert CaseExport.objects.count() == 1
