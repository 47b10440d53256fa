"""Demo referrals (issue 5 §7): from IOM's demo cases to the demo directory, one in
every state, through the services (so each is audited, on its case's timeline and in
the inboxes). Most go to KCIK's services, whose focal point `partner.kcik` answers
them; one goes to a recipient outside safepath. One shares the person's name and
phone, after the person's consent to referral is recorded."""

import datetime
from collections.abc import Callable, Sequence
from typing import Final

from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import Role, User
from safepath.cases.models import Case
from safepath.directory.models import Service, ServiceStatus
from safepath.people.services import consent_record
from safepath.referrals import overdue_services, services, sharing, transition_services
from safepath.referrals.models import Referral, SentVia

type Step = Callable[[Referral, User, User], Referral]

PURPOSE: Final = "Specialised support and a safe place to stay while the case is assessed."


def _accept(referral: Referral, sender: User, partner: User) -> Referral:
    return transition_services.referral_accept(actor=partner, referral=referral, via="demo")


def _start(referral: Referral, sender: User, partner: User) -> Referral:
    referral = _accept(referral, sender, partner)
    return transition_services.referral_start(actor=partner, referral=referral, via="demo")


def _complete(referral: Referral, sender: User, partner: User) -> Referral:
    referral = _start(referral, sender, partner)
    return transition_services.referral_complete(
        actor=partner,
        referral=referral,
        outcome="Stayed three weeks; legal counselling given; moved to own accommodation.",
        via="demo",
    )


def _decline(referral: Referral, sender: User, partner: User) -> Referral:
    return transition_services.referral_decline(
        actor=partner, referral=referral, reason="No free place this week.", via="demo"
    )


def _withdraw(referral: Referral, sender: User, partner: User) -> Referral:
    return transition_services.referral_withdraw(
        actor=sender, referral=referral, reason="The person found a place with family.", via="demo"
    )


def _sent(referral: Referral, sender: User, partner: User) -> Referral:
    return referral


# (what happens after sending, urgent, share identity with consent)
PLAN: Final[list[tuple[Step, bool, bool]]] = [
    (_sent, True, False),
    (_accept, False, False),
    (_start, False, True),
    (_complete, False, False),
    (_decline, False, False),
    (_withdraw, False, False),
]


def _kcik_services() -> list[Service]:
    return list(
        Service.objects.filter(
            organization__organisation__code="KCIK", status=ServiceStatus.ACTIVE
        ).order_by("id")
    )


def create_referrals(*, cases: Sequence[Case]) -> list[Referral]:
    """One referral per state on IOM's open, screened cases (as far as there are cases
    and KCIK services), and one to a recipient outside safepath."""
    partner = User.objects.filter(
        organisation__code="KCIK", role=Role.PARTNER_FOCAL_POINT, is_active=True
    ).first()
    targets = _kcik_services()
    candidates = [
        c
        for c in cases
        if not c.is_closed
        and c.organisation.code == "IOM"
        and c.screening is not None
        and policies.in_scope(c.owner, "referral.create", c)
    ]
    if partner is None or not targets or not candidates:
        return []
    today = timezone.localdate()
    made = []
    for index, ((step, urgent, identity), case) in enumerate(zip(PLAN, candidates, strict=False)):
        service = targets[index % len(targets)]
        sender = case.owner
        fields = sharing.shareable_fields(
            case.person, case=case, screening=case.screening, service=service
        )
        share = [f.name for f in fields if f.default]
        if identity:
            consent_record(
                actor=sender,
                person=case.person,
                purpose="referral",
                given=True,
                method="written",
                date=today,
                recipient=partner.organisation,
            )
            share += [f.name for f in fields if f.name in ("given_name", "family_name", "phone")]
        referral = services.referral_create(
            actor=sender,
            person=case.person,
            case=case,
            screening=case.screening,
            service=service,
            purpose=PURPOSE,
            urgent=urgent,
            share=share,
            via="demo",
        )
        made.append(step(referral, sender, partner))
    if len(candidates) > len(PLAN):
        case = candidates[len(PLAN)]
        made.append(
            services.referral_create(
                actor=case.owner,
                person=case.person,
                case=case,
                screening=case.screening,
                external_recipient="Poradnia prawna Fundacji Przykładowej (outside safepath)",
                recipient_language="pl",
                sent_via=SentVia.EMAIL,
                purpose="Free legal advice on the employment contract.",
                urgent=False,
                share=["code"],
                via="demo",
            )
        )
    # The oldest open one is past its deadline, so the overdue alert shows.
    sent = [r for r in made if r.status == "sent"]
    if sent:
        Referral.objects.filter(pk=sent[0].pk).update(
            respond_by=timezone.now() - datetime.timedelta(hours=1)
        )
        overdue_services.flag_overdue_referrals()
    return made
