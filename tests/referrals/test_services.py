"""The referral's life: sent, accepted, started, completed (or declined, withdrawn),
each step on the referral, in the audit, on the case's timeline and in notifications
that hold a link and no personal data."""

import datetime
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent
from safepath.cases.timeline import describe
from safepath.core.exceptions import NotAllowed
from safepath.directory.models import Service
from safepath.people.models import Consent, Person
from safepath.referrals import overdue_services, selectors, services, sharing, transition_services
from safepath.referrals.models import Notification, Referral, ReferralEvent, ReferralUpdate
from safepath.referrals.tasks import flag_overdue
from safepath.screening.models import Screening
from tests.conftest import Cast
from tests.referrals.conftest import IDENTITY_SHARE, directory_service


def _emails(*users: User) -> None:
    for user in users:
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.org")


def test_with_consent_the_partner_accepts_starts_and_completes_and_the_case_shows_each_step(
    cast: Cast,
    refer: Callable[..., Referral],
    case_a: Case,
    referral_consent: Consent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _emails(cast.partner, cast.caseworker_a)
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(share=IDENTITY_SHARE)
    assert (referral.status, referral.to_organisation, referral.created_by) == (
        "sent",
        cast.partner_org,
        cast.caseworker_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral = transition_services.referral_accept(actor=cast.partner, referral=referral)
        assert referral.answered_at is not None
        referral = transition_services.referral_start(actor=cast.partner, referral=referral)
        referral = transition_services.referral_complete(
            actor=cast.partner, referral=referral, outcome="Housed for three weeks."
        )
    assert (referral.status, referral.outcome, referral.version) == (
        "completed",
        "Housed for three weeks.",
        4,
    )
    assert referral.completed_at is not None
    kinds = ["sent", "accepted", "started", "completed"]
    assert list(referral.events.values_list("kind", flat=True)) == kinds
    timeline = CaseEvent.objects.filter(case=case_a, kind__startswith="referral_")
    assert [(e.kind, e.actor.username) for e in timeline] == [
        ("referral_sent", "caseworker.a"),
        ("referral_accepted", "partner.shelter"),
        ("referral_started", "partner.shelter"),
        ("referral_completed", "partner.shelter"),
    ]
    assert [describe(e) for e in timeline] == [
        "Referral sent to SHELTER",
        "Referral accepted",
        "Referral: service started",
        "Referral completed",
    ]
    assert timeline[0].detail == {
        "referral": str(referral.public_id),
        "to": "SHELTER",
        "status": "sent",
        "urgent": False,
    }
    assert list(
        AuditEvent.objects.filter(action__startswith="referral.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["referral.sent", "referral.accepted", "referral.started", "referral.completed"]
    assert AuditEvent.objects.get(action="referral.sent").detail == {
        "via": "web",
        "target": "SHELTER",
        "fields": ["code", "given_name", "family_name", "phone"],
    }
    assert sorted(Notification.objects.values_list("user__username", "kind")) == [
        ("caseworker.a", "referral_accepted"),
        ("caseworker.a", "referral_completed"),
        ("partner.shelter", "referral_received"),
    ]


def test_e_mails_hold_a_link_and_nothing_about_the_person(
    cast: Cast,
    refer: Callable[..., Referral],
    person_a: Person,
    referral_consent: Consent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _emails(cast.partner, cast.caseworker_a)
    User.objects.filter(pk=cast.partner.pk).update(language="pl")
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(share=IDENTITY_SHARE, purpose="Oksana needs a shelter.")
        transition_services.referral_decline(
            actor=cast.partner, referral=referral, reason="No beds left."
        )
    assert [message.to for message in mail.outbox] == [
        ["partner.shelter@example.org"],
        ["caseworker.a@example.org"],
    ]
    link = f"/app/referrals/{referral.public_id}/"
    assert f"http://127.0.0.1:8000/pl{link}" in mail.outbox[0].body
    assert f"http://127.0.0.1:8000/en{link}" in mail.outbox[1].body
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in ("Oksana", "Melnyk", "601234567", person_a.code, "No beds", "shelter."):
            assert secret not in text
    assert Notification.objects.get(user=cast.partner).url == f"/pl{link}"


def test_the_snapshot_holds_exactly_the_chosen_fields_as_they_were_sent(
    cast: Cast, refer: Callable[..., Referral], person_a: Person, referral_consent: Consent
) -> None:
    referral = refer(share=["phone", "needs", "languages"])
    assert referral.shared_fields == ["code", "languages", "needs", "phone"]
    Person.objects.filter(pk=person_a.pk).update(code="SP-CHNG-ED")
    referral.refresh_from_db()
    assert [(f.name, f.value) for f in selectors.shared_view(referral)] == [
        ("code", person_a.code),
        ("languages", ""),
        ("needs", "Shelter, Psychological support (MHPSS)"),
        ("phone", "+48601234567"),
    ]
    assert "Melnyk" not in referral.shared


def test_preview_is_exactly_what_is_sent(
    cast: Cast,
    refer: Callable[..., Referral],
    person_a: Person,
    case_a: Case,
    referral_consent: Consent,
) -> None:
    share = ["given_name", "sex", "screening_outcome", "safety_concerns"]
    shown = sharing.preview(actor=cast.caseworker_a, person=person_a, case=case_a, share=share)
    referral = refer(share=share)
    assert shown == selectors.shared_view(referral)
    assert [(f.name, f.value) for f in shown] == [
        ("code", person_a.code),
        ("sex", "Female"),
        ("screening_outcome", "Trafficking indicated (possible victim)"),
        ("given_name", "Oksana"),
        ("safety_concerns", ""),
    ]


def test_shareable_fields_propose_the_minimum_the_service_needs(
    person_a: Person, case_a: Case, shelter: Service
) -> None:
    choices = sharing.shareable_fields(person_a, case=case_a, service=shelter)
    assert [c.name for c in choices if c.default] == [
        "code",
        "sex",
        "age_band",
        "languages",
        "child_status",
        "disability",
        "needs",
    ]
    assert not any(c.identity for c in choices if c.default)
    assert {c.name for c in choices if c.identity} == {
        "year_of_birth",
        "given_name",
        "family_name",
        "date_of_birth",
        "phone",
        "document_number",
        "address",
        "safety_concerns",
    }
    # Without a case or screening, what comes from them is not offered.
    bare = {c.name for c in sharing.shareable_fields(person_a)}
    assert {"needs", "priority", "screening_outcome", "safety_concerns"} & bare == set()


def test_urgent_referrals_are_due_in_4_hours_others_in_24(
    refer: Callable[..., Referral],
) -> None:
    before = timezone.now()
    urgent = refer(urgent=True)
    normal = refer(urgent=False)
    after = timezone.now()
    assert before + datetime.timedelta(hours=4) <= urgent.respond_by
    assert urgent.respond_by <= after + datetime.timedelta(hours=4)
    assert before + datetime.timedelta(hours=24) <= normal.respond_by
    assert normal.respond_by <= after + datetime.timedelta(hours=24)


def test_the_deadlines_come_from_the_settings(
    refer: Callable[..., Referral], settings: Any
) -> None:
    settings.SAFEPATH_REFERRAL_URGENT_HOURS = 1
    referral = refer(urgent=True)
    assert referral.respond_by - referral.created_at < datetime.timedelta(hours=1, seconds=5)


def test_decline_needs_a_reason(cast: Cast, refer: Callable[..., Referral]) -> None:
    referral = refer()
    for reason in ("", "   "):
        with pytest.raises(services.ReferralInvalid) as invalid:
            transition_services.referral_decline(
                actor=cast.partner, referral=referral, reason=reason
            )
        assert [e.field for e in invalid.value.errors] == ["reason"]
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert ReferralEvent.objects.filter(kind="declined").count() == 0
    declined = transition_services.referral_decline(
        actor=cast.partner, referral=referral, reason="Full."
    )
    assert (declined.status, declined.decline_reason) == ("declined", "Full.")
    assert declined.answered_at is not None


def test_the_sender_withdraws_and_the_partner_is_told(
    cast: Cast, refer: Callable[..., Referral], case_a: Case
) -> None:
    referral = transition_services.referral_accept(actor=cast.partner, referral=refer())
    withdrawn = transition_services.referral_withdraw(
        actor=cast.caseworker_a2, referral=referral, reason="The person left Poland."
    )
    assert withdrawn.status == "withdrawn"
    assert list(withdrawn.updates.values_list("text", flat=True)) == ["The person left Poland."]
    assert Notification.objects.filter(user=cast.partner, kind="referral_withdrawn").count() == 1
    assert CaseEvent.objects.filter(case=case_a, kind="referral_withdrawn").count() == 1
    # Nothing moves a withdrawn referral any more.
    with pytest.raises(services.ReferralInvalid):
        transition_services.referral_withdraw(actor=cast.caseworker_a, referral=withdrawn)
    with pytest.raises(services.ReferralInvalid):
        transition_services.referral_start(actor=cast.partner, referral=withdrawn)


def test_only_the_sender_withdraws_only_the_receiver_answers(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = refer()
    with pytest.raises(NotAllowed):
        transition_services.referral_withdraw(actor=cast.partner, referral=referral)
    for actor in (cast.caseworker_a, cast.caseworker_b, cast.supervisor_a):
        with pytest.raises(NotAllowed):
            transition_services.referral_accept(actor=actor, referral=referral)
    with pytest.raises(NotAllowed):
        transition_services.referral_withdraw(actor=cast.caseworker_a_other_team, referral=referral)
    referral.refresh_from_db()
    assert (referral.status, referral.version) == ("sent", 1)


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ([], "start", "Only an accepted referral can be started; this one is sent."),
        ([], "complete", "Only an accepted or started referral can be completed"),
        (["accept"], "accept", "Only a sent referral can be accepted; this one is accepted."),
        (["accept"], "decline", "Only a sent referral can be declined"),
        (["decline"], "withdraw", "cannot be withdrawn; this one is declined."),
        (["accept", "complete"], "withdraw", "cannot be withdrawn; this one is completed."),
    ],
)
def test_illegal_moves_are_refused_and_named(
    cast: Cast, refer: Callable[..., Referral], steps: list[str], action: str, message: str
) -> None:
    def run(name: str, referral: Referral) -> Referral:
        if name == "accept":
            return transition_services.referral_accept(actor=cast.partner, referral=referral)
        if name == "decline":
            return transition_services.referral_decline(
                actor=cast.partner, referral=referral, reason="No."
            )
        if name == "start":
            return transition_services.referral_start(actor=cast.partner, referral=referral)
        if name == "complete":
            return transition_services.referral_complete(
                actor=cast.partner, referral=referral, outcome="Ok"
            )
        return transition_services.referral_withdraw(actor=cast.caseworker_a, referral=referral)

    referral = refer()
    for name in steps:
        referral = run(name, referral)
    events_before = ReferralEvent.objects.count()
    with pytest.raises(services.ReferralInvalid) as invalid:
        run(action, referral)
    assert invalid.value.errors[0].field == "status"
    assert message in invalid.value.errors[0].detail
    assert ReferralEvent.objects.count() == events_before


def test_updates_by_either_side_tell_the_other(
    cast: Cast, refer: Callable[..., Referral], case_a: Case
) -> None:
    referral = refer()
    transition_services.referral_add_update(actor=cast.partner, referral=referral, text="Bed kept.")
    transition_services.referral_add_update(
        actor=cast.caseworker_a, referral=referral, text="Coming at 6."
    )
    assert list(ReferralUpdate.objects.values_list("author__username", "text")) == [
        ("partner.shelter", "Bed kept."),
        ("caseworker.a", "Coming at 6."),
    ]
    assert sorted(
        Notification.objects.filter(kind="referral_update").values_list("user__username")
    ) == [("caseworker.a",), ("partner.shelter",)]
    with pytest.raises(services.ReferralInvalid):
        transition_services.referral_add_update(actor=cast.partner, referral=referral, text=" ")
    with pytest.raises(NotAllowed):
        transition_services.referral_add_update(
            actor=cast.caseworker_b, referral=referral, text="Hi"
        )
    assert ReferralUpdate.objects.count() == 2


def test_a_recipient_outside_safepath_the_sender_records_its_answers(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    outside = directory_service(organisation=None, types=("legal_aid",))
    referral = refer(service=outside, sent_via="email", recipient_language="pl")
    assert (referral.to_organisation, referral.external_recipient) == (
        None,
        "Fundacja Bezpieczny Dom",
    )
    with pytest.raises(NotAllowed):
        transition_services.referral_accept(actor=cast.partner, referral=referral)
    accepted = transition_services.referral_accept(actor=cast.caseworker_a, referral=referral)
    assert accepted.status == "accepted"


def test_overdue_referrals_are_flagged_once(
    cast: Cast, refer: Callable[..., Referral], case_a: Case
) -> None:
    late = refer(urgent=True)
    on_time = refer()
    answered = transition_services.referral_accept(actor=cast.partner, referral=refer(urgent=True))
    later = timezone.now() + datetime.timedelta(hours=5)
    assert overdue_services.flag_overdue_referrals(now=later) == 1
    assert overdue_services.flag_overdue_referrals(now=later) == 0
    assert list(
        ReferralEvent.objects.filter(kind="overdue").values_list("referral", flat=True)
    ) == [late.pk]
    assert sorted(
        Notification.objects.filter(kind="referral_overdue").values_list("user__username")
    ) == [("caseworker.a",), ("partner.shelter",)]
    assert AuditEvent.objects.get(action="referral.overdue").actor_id is None
    assert on_time.pk != answered.pk


def test_the_overdue_task_and_command_run_the_same_code(refer: Callable[..., Referral]) -> None:
    refer()
    assert flag_overdue.call() == 0
    out = io.StringIO()
    call_command("referrals", "flag-overdue", stdout=out)
    assert json.loads(out.getvalue()) == {"flagged": 0}
    Referral.objects.update(respond_by=timezone.now() - datetime.timedelta(minutes=1))
    call_command("referrals", "flag-overdue", stdout=out)
    assert out.getvalue().splitlines()[-1] == '{"flagged": 1}'


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"share": ["code", "shoe_size"]}, ["share"]),
        ({"service": None}, ["recipient"]),
        ({"external_recipient": "Somewhere", "sent_via": "email"}, ["external_recipient"]),
        ({"purpose": "  "}, ["purpose"]),
        ({"purpose": "x" * 2001}, ["purpose"]),
        ({"sent_via": "email"}, ["sent_via"]),
        ({"sent_via": "pigeon"}, ["sent_via"]),
        ({"recipient_language": "de"}, ["recipient_language"]),
        ({"case": None, "share": ["safety_concerns"]}, ["share"]),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    refer: Callable[..., Referral], overrides: dict[str, Any], fields: list[str]
) -> None:
    audit_before = AuditEvent.objects.count()
    with pytest.raises(services.ReferralInvalid) as invalid:
        refer(**overrides)
    assert [e.field for e in invalid.value.errors] == fields
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_an_outside_recipient_needs_to_say_how_it_was_sent(refer: Callable[..., Referral]) -> None:
    with pytest.raises(services.ReferralInvalid) as invalid:
        refer(service=None, external_recipient="Caritas")
    assert [e.field for e in invalid.value.errors] == ["sent_via"]


def test_a_person_out_of_reach_is_bad_input(cast: Cast, refer: Callable[..., Referral]) -> None:
    with pytest.raises((services.ReferralInvalid, NotAllowed)):
        refer(actor=cast.caseworker_b, case=None)
    with pytest.raises(services.ReferralInvalid) as invalid:
        refer(actor=cast.caseworker_a_other_team, case=None)
    assert [e.field for e in invalid.value.errors] == ["person"]
    assert Referral.objects.count() == 0


def test_a_case_or_screening_of_another_person_is_bad_input(
    cast: Cast, refer: Callable[..., Referral], screening_a: Screening
) -> None:
    from safepath.people.services import person_create

    other = person_create(actor=cast.caseworker_a, data={"given_name": "Ivan"})
    with pytest.raises(services.ReferralInvalid) as invalid:
        refer(person=other, screening=screening_a)
    assert [e.field for e in invalid.value.errors] == ["case", "screening"]
    assert Referral.objects.count() == 0


def test_roles_without_referral_create_cannot_refer(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    for actor in (cast.partner, cast.analyst, cast.trainer, cast.admin):
        with pytest.raises(NotAllowed):
            refer(actor=actor)
    assert Referral.objects.count() == 0


def test_an_ended_referral_takes_no_more_updates(
    cast: Cast, refer: Callable[..., Referral]
) -> None:
    referral = transition_services.referral_decline(
        actor=cast.partner, referral=refer(), reason="Full."
    )
    before = ReferralUpdate.objects.count()
    with pytest.raises(services.ReferralInvalid) as refused:
        transition_services.referral_add_update(
            actor=cast.caseworker_a, referral=referral, text="Any news?"
        )
    assert [e.field for e in refused.value.errors] == ["status"]
    assert ReferralUpdate.objects.count() == before
