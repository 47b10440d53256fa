"""The referral pages: a new referral from a case or a screening (recipient, what to
share, preview, send), the referral page with its buttons by role and state, the lists,
the notifications inbox and the pathway templates. Every page answers 404 to whoever
may not see it, and writes nothing for them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepath.accounts.models import Role
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent
from safepath.directory.models import Service
from safepath.directory.taxonomies import ensure_taxonomies
from safepath.people.models import Person
from safepath.referrals.models import (
    Notification,
    PathwayTemplate,
    Referral,
    ReferralStatus,
    ReferralUpdate,
)
from safepath.referrals.pathway_services import ensure_default_pathways
from safepath.screening.models import Screening
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/en/app/referrals/"


def _new(case: Case) -> str:
    return f"{BASE}new/?case={case.public_id}"


def _compose(case: Case, service: Service) -> str:
    return f"{BASE}new/details/?case={case.public_id}&service={service.public_id}"


def _detail(referral: Referral) -> str:
    return f"{BASE}{referral.public_id}/"


def _written() -> tuple[int, int, int, int]:
    return (
        Referral.objects.count(),
        ReferralUpdate.objects.count(),
        Notification.objects.count(),
        CaseEvent.objects.filter(kind__startswith="referral_").count(),
    )


# --- a new referral ---------------------------------------------------------------------


def test_step_one_proposes_the_pathways_services_and_searches_the_directory(
    login: Any, cast: Cast, case_a: Case, shelter: Service
) -> None:
    ensure_default_pathways()
    client = login(cast.caseworker_a)
    response = client.get(_new(case_a))
    assert response.status_code == 200
    page = response.content.decode()
    # Trafficking indicated for an adult: the adult-victim pathway is proposed.
    assert 'data-pathway="adult-victim"' in page
    assert "Shelter for women" not in page  # a shelter is not of that pathway's types
    found = client.get(_new(case_a) + "&search=1&service_type=shelter").content.decode()
    assert 'id="search-results"' in found
    assert "Shelter for women" in found
    assert f"service={shelter.public_id}" in found


def test_preview_shows_exactly_what_will_be_shared_and_send_creates_the_referral(
    login: Any,
    cast: Cast,
    case_a: Case,
    shelter: Service,
    referral_consent: Any,
) -> None:
    client = login(cast.caseworker_a)
    form = client.get(_compose(case_a, shelter))
    assert form.status_code == 200
    assert 'name="share" value="given_name"' in form.content.decode()
    data = {
        "share": ["code", "given_name"],
        "purpose": "Needs a safe place tonight.",
        "urgent": "on",
        "legal_ground": "",
    }
    preview = client.post(_compose(case_a, shelter), {**data, "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Oksana" in page  # the given name, shared
    assert "Melnyk" not in page  # the family name, not ticked
    assert "+48601234567" not in page
    assert Referral.objects.count() == 0  # a preview sends nothing

    sent = client.post(_compose(case_a, shelter), {**data, "action": "send"})
    referral = Referral.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == _detail(referral)
    assert referral.status == ReferralStatus.SENT
    assert referral.urgent is True
    assert referral.to_organisation == cast.partner_org
    assert referral.shared_fields == ["code", "given_name"]
    assert list(
        CaseEvent.objects.filter(case=case_a, kind__startswith="referral_").values_list(
            "kind", flat=True
        )
    ) == ["referral_sent"]


def test_identity_without_consent_is_refused_with_the_reason_and_nothing_is_created(
    login: Any, cast: Cast, case_a: Case, shelter: Service
) -> None:
    client = login(cast.caseworker_a)
    before = _written()
    response = client.post(
        _compose(case_a, shelter),
        {"share": ["code", "phone"], "purpose": "Shelter.", "action": "send"},
    )
    assert response.status_code == 403
    assert 'id="refused"' in response.content.decode()
    assert _written() == before
    assert AuditEvent.objects.filter(action="referral.refused").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"share": ["code"], "purpose": ""}, "purpose"),
        ({"share": ["code", "no_such_field"], "purpose": "x"}, "share"),
        ({"share": ["code"], "purpose": "x" * 2001}, "purpose"),
        ({"share": ["code"], "purpose": "x", "legal_ground": "because"}, "legal_ground"),
    ],
)
def test_bad_input_on_the_referral_form_names_the_field_and_writes_nothing(
    login: Any,
    cast: Cast,
    case_a: Case,
    shelter: Service,
    data: dict[str, Any],
    field: str,
) -> None:
    client = login(cast.caseworker_a)
    before = _written()
    for action in ("preview", "send"):
        response = client.post(_compose(case_a, shelter), {**data, "action": action})
        assert response.status_code == 422
        assert response.context["form"].errors[field]
    assert _written() == before


def test_an_external_recipient_needs_a_name_language_and_how_it_is_sent(
    login: Any, cast: Cast, case_a: Case
) -> None:
    client = login(cast.caseworker_a)
    url = f"{BASE}new/details/?case={case_a.public_id}&external=1"
    response = client.post(url, {"share": ["code"], "purpose": "Legal aid.", "action": "send"})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {
        "external_recipient",
        "recipient_language",
        "sent_via",
    }
    assert Referral.objects.count() == 0
    sent = client.post(
        url,
        {
            "share": ["code"],
            "purpose": "Legal aid.",
            "external_recipient": "Legal Clinic Rzeszów",
            "recipient_language": "pl",
            "sent_via": "email",
            "action": "send",
        },
    )
    referral = Referral.objects.get()
    assert sent.status_code == 302
    assert (referral.external_recipient, referral.recipient_language, referral.sent_via) == (
        "Legal Clinic Rzeszów",
        "pl",
        "email",
    )
    page = client.get(_detail(referral)).content.decode()
    assert 'id="pdf"' in page


def test_a_referral_starts_from_a_screening_result_too(
    login: Any, cast: Cast, screening_a: Screening, shelter: Service
) -> None:
    client = login(cast.caseworker_a)
    result = client.get(screening_a.get_absolute_url()).content.decode()
    assert f"/en/app/referrals/new/?screening={screening_a.public_id}" in result
    assert client.get(f"{BASE}new/?screening={screening_a.public_id}").status_code == 200
    response = client.post(
        f"{BASE}new/details/?screening={screening_a.public_id}&service={shelter.public_id}",
        {"share": ["code", "needs"], "purpose": "Shelter.", "action": "send"},
    )
    assert response.status_code == 302
    assert Referral.objects.get().screening == screening_a


def test_the_case_page_lists_its_referrals_and_offers_refer(
    login: Any, cast: Cast, case_a: Case, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    page = login(cast.caseworker_a).get(case_a.get_absolute_url()).content.decode()
    assert 'id="referrals-heading"' in page
    assert _detail(referral) in page
    assert f"/en/app/referrals/new/?case={case_a.public_id}" in page


# --- the referral page and its steps -------------------------------------------------------


def test_the_partner_sees_only_the_shared_fields_and_accepts_starts_and_completes(
    login: Any,
    cast: Cast,
    case_a: Case,
    person_a: Person,
    referral_consent: Any,
    refer: Callable[..., Referral],
) -> None:
    referral = refer(share=["code", "given_name", "age_band"])
    client = login(cast.partner)
    page = client.get(_detail(referral)).content.decode()
    assert "Oksana" in page
    assert "Melnyk" not in page
    assert "+48601234567" not in page
    assert 'id="accept"' in page
    assert 'id="decline"' in page
    assert 'id="withdraw"' not in page
    assert 'href="/en/app/cases/' not in page  # no way to the sender's case
    for action in ("accept", "start"):
        assert client.post(f"{_detail(referral)}{action}/").status_code == 302
    done = client.post(f"{_detail(referral)}complete/", {"outcome": "Placed in the shelter."})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.outcome == "Placed in the shelter."
    kinds = list(
        CaseEvent.objects.filter(case=case_a, kind__startswith="referral_")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "referral_sent",
        "referral_accepted",
        "referral_started",
        "referral_completed",
    ]


def test_decline_complete_update_and_withdraw_need_their_text(
    login: Any, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    partner = login(cast.partner)
    before = _written()
    for action, field in (("decline", "reason"), ("update", "text")):
        response = partner.post(f"{_detail(referral)}{action}/", {field: "  "})
        assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert _written() == before
    declined = partner.post(f"{_detail(referral)}decline/", {"reason": "No beds left."})
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (ReferralStatus.DECLINED, "No beds left.")


def test_the_sender_withdraws_and_adds_updates(
    login: Any, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    client = login(cast.caseworker_a)
    page = client.get(_detail(referral)).content.decode()
    assert 'id="withdraw"' in page
    assert 'id="accept"' not in page
    assert client.post(f"{_detail(referral)}update/", {"text": "Call first."}).status_code == 302
    assert ReferralUpdate.objects.get().text == "Call first."
    assert client.post(f"{_detail(referral)}withdraw/", {"reason": ""}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert client.post(f"{_detail(referral)}withdraw/", {"reason": "Moved."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(
    login: Any, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    client = login(cast.partner)
    response = client.post(f"{_detail(referral)}start/", follow=True)
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert client.post(f"{_detail(referral)}no-such-step/").status_code == 404


def test_a_legal_ground_waits_for_a_supervisor_who_approves_it(
    login: Any, cast: Cast, case_a: Case, shelter: Service
) -> None:
    client = login(cast.caseworker_a)
    response = client.post(
        _compose(case_a, shelter),
        {
            "share": ["code", "given_name"],
            "purpose": "Imminent danger.",
            "legal_ground": "imminent_danger",
            "action": "send",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.AWAITING_APPROVAL
    assert 'id="approve"' not in client.get(_detail(referral)).content.decode()
    assert login(cast.partner).get(_detail(referral)).status_code == 404  # not sent yet
    supervisor = login(cast.supervisor_a)
    assert 'id="approve"' in supervisor.get(_detail(referral)).content.decode()
    assert supervisor.post(f"{_detail(referral)}approve/").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.legal_ground_approved_by == cast.supervisor_a


# --- lists and notifications ----------------------------------------------------------------


def test_lists_show_sent_and_received_with_a_status_filter(
    login: Any, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    sender = login(cast.caseworker_a)
    assert _detail(referral) in sender.get(BASE).content.decode()
    assert _detail(referral) in sender.get(BASE + "?box=sent").content.decode()
    assert _detail(referral) not in sender.get(BASE + "?status=completed").content.decode()
    # A filter value that does not exist is ignored, never an error.
    assert sender.get(BASE + "?status=nonsense&box=x").status_code == 200
    partner = login(cast.partner)
    page = partner.get(BASE).content.decode()
    assert "Referrals received" in page
    assert _detail(referral) in page
    assert "SP-" not in page  # the sender's code for the person is not in the list


def test_the_inbox_shows_notifications_in_the_readers_language_and_marks_them_read(
    login: Any, cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    notification = Notification.objects.get(user=cast.partner)
    client = login(cast.partner)
    page = client.get(BASE + "notifications/").content.decode()
    assert "A new referral was sent to your organisation." in page
    assert "(new)" in page
    opened = client.get(f"{BASE}notifications/{notification.public_id}/")
    assert opened.status_code == 302
    assert opened["Location"].endswith(f"/app/referrals/{referral.public_id}/")
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Someone else's notification looks missing and stays unread for them.
    other = login(cast.caseworker_b)
    assert other.get(f"{BASE}notifications/{notification.public_id}/").status_code == 404


# --- pathway templates -------------------------------------------------------------------


def _pathway_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "roma-families",
        "position": "50",
        "active": "on",
        "service_types": ["material_assistance"],
        "groups": ["roma"],
        "needs": ["food_nfi"],
        "name_en": "Roma families",
        "name_pl": "Rodziny romskie",
    }
    data.update(overrides)
    return data


def test_administrators_create_and_edit_pathways(login: Any, cast: Cast) -> None:
    ensure_taxonomies()
    ensure_default_pathways()
    client = login(cast.admin)
    assert "adult-victim" in client.get(BASE + "pathways/").content.decode()
    response = client.post(BASE + "pathways/new/", _pathway_data())
    assert response.status_code == 302
    pathway = PathwayTemplate.objects.get(code="roma-families")
    assert pathway.trigger == {"needs": ["food_nfi"]}
    assert pathway.name == {"en": "Roma families", "pl": "Rodziny romskie"}
    edit = client.post(
        f"{BASE}pathways/{pathway.public_id}/",
        _pathway_data(code="changed", needs=[], active=""),
    )
    assert edit.status_code == 302
    pathway.refresh_from_db()
    assert (pathway.code, pathway.trigger, pathway.active) == ("roma-families", {}, False)
    assert AuditEvent.objects.filter(action="pathway.saved").count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_types": []}, "service_types"),
        ({"service_types": ["spa"]}, "service_types"),
        ({"needs": ["money"]}, "needs"),
        ({"name_en": ""}, "name_en"),
        ({"code": "adult-victim"}, "code"),
        ({"code": "Not a slug!"}, "code"),
    ],
)
def test_bad_input_on_the_pathway_form_names_the_field_and_writes_nothing(
    login: Any, cast: Cast, overrides: dict[str, Any], field: str
) -> None:
    ensure_taxonomies()
    ensure_default_pathways()
    client = login(cast.admin)
    response = client.post(BASE + "pathways/new/", _pathway_data(**overrides))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert PathwayTemplate.objects.count() == 5


# --- access ------------------------------------------------------------------------------


def _pages(case: Case, service: Service, referral: Referral) -> list[tuple[str, str]]:
    detail = _detail(referral)
    return [
        ("get", BASE),
        ("get", _new(case)),
        ("get", _compose(case, service)),
        ("post", _compose(case, service)),
        ("get", detail),
        ("get", detail + "pdf/"),
        *[("post", f"{detail}{action}/") for action in ("accept", "decline", "start")],
        *[("post", f"{detail}{action}/") for action in ("complete", "update", "withdraw")],
        ("post", detail + "approve/"),
        ("get", BASE + "pathways/"),
        ("get", BASE + "pathways/new/"),
        ("post", BASE + "pathways/new/"),
    ]


_FORM = {"share": ["code"], "purpose": "x", "reason": "x", "outcome": "x", "text": "x"}


def _visit(client: Client, method: str, url: str) -> int:
    if method == "get":
        return client.get(url).status_code
    return client.post(url, {**_FORM, "action": "send", **_pathway_data()}).status_code


def test_outsider_gets_404_everywhere_and_nothing_is_written_or_logged_as_read(
    login: Any, cast: Cast, case_a: Case, shelter: Service, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    before = _written()
    client = login(cast.caseworker_b)
    for method, url in _pages(case_a, shelter, referral):
        expected = 200 if url == BASE else 404
        assert _visit(client, method, url) == expected, url
    assert _written() == before
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert (
        AuditEvent.objects.filter(actor_username="caseworker.b", action="referral.viewed").count()
        == 0
    )
    assert _detail(referral) not in client.get(BASE).content.decode()


def test_a_partner_of_another_organisation_gets_404_and_nothing_changes(
    login: Any, cast: Cast, case_a: Case, shelter: Service, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    other_org = OrganisationFactory.create(code="OTHER", name="Other shelter", type="ngo")
    other = UserFactory.create(
        username="partner.other", role=Role.PARTNER_FOCAL_POINT, organisation=other_org
    )
    before = _written()
    client = login(other)
    for method, url in _pages(case_a, shelter, referral):
        expected = 200 if url == BASE else 404
        assert _visit(client, method, url) == expected, url
    assert _written() == before
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


@pytest.mark.parametrize("role", ["analyst", "trainer"])
def test_roles_without_referrals_get_404_and_nothing_is_written(
    login: Any,
    cast: Cast,
    case_a: Case,
    shelter: Service,
    refer: Callable[..., Referral],
    role: str,
) -> None:
    referral = refer()
    before = _written()
    client = login(getattr(cast, role))
    for method, url in _pages(case_a, shelter, referral):
        assert _visit(client, method, url) == 404, url
    assert _written() == before


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case, shelter: Service, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    notification = Notification.objects.first()
    assert notification is not None
    before = _written()
    pages = [
        *_pages(case_a, shelter, referral),
        ("get", BASE + "notifications/"),
        ("get", f"{BASE}notifications/{notification.public_id}/"),
    ]
    for method, url in pages:
        response = client.get(url) if method == "get" else client.post(url, _FORM)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/en/accounts/login/"), url
    assert _written() == before
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_partners_home_lists_open_received_referrals_only_for_them(
    cast: Cast, refer: Callable[..., Referral], login: Any
) -> None:
    referral = refer()
    for user, shown in ((cast.partner, True), (cast.caseworker_a, False)):
        html = login(user).get("/en/app/").content.decode()
        assert (_detail(referral) in html) is shown
        assert ("Referrals waiting for you" in html) is shown
        assert ("Your role has no records to show yet" in html) is False
