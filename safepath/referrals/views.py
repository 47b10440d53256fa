"""Referral pages (issue 5 §4, §5): a referral, its actions, its PDF, and the list.
Thin: fetch through `access_*`, validate, call one service, render.

The new referral's screens are in `new_referral_views`, the notifications in
`inbox_views`, the pathway templates in `pathway_views`.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safepath.accounts import policies
from safepath.accounts.reauthentication import reauthenticate, recently_authenticated
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest
from safepath.core.pagination import CappedPaginator
from safepath.people.selectors import can_see_identity
from safepath.referrals import (
    events,
    referral_pdf,
    selectors,
    services,
    sharing,
    transition_services,
)
from safepath.referrals.forms import OutcomeForm, ReasonForm, StatusFilterForm, UpdateForm
from safepath.referrals.models import OPEN_STATUSES, Referral, ReferralStatus

PAGE_SIZE = 50


def detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.public_id])


def _may_see_referrals(request: AuthedRequest) -> bool:
    user = request.user
    return policies.can(user, "referral.view") or policies.can(user, "referral.receive")


def form_status(request: AuthedRequest) -> int:
    """A form sent back with errors answers 422, so tests and tools can tell."""
    return 422 if request.method == "POST" else 200


# --- a referral -------------------------------------------------------------------------


def _access(request: AuthedRequest, referral_id: uuid.UUID, purpose: str) -> Referral:
    if not _may_see_referrals(request):
        raise Http404
    return selectors.access_referral(
        actor=request.user, referral_id=referral_id, purpose=purpose, via="web"
    )


def _actions(request: AuthedRequest, referral: Referral) -> dict[str, bool]:
    """Which buttons to show; the services decide again on every POST. For a recipient
    outside safepath the sender records its answers (heard by phone or e-mail)."""
    user = request.user
    answers = selectors.records_answers(user, referral)
    sender = selectors.is_sender(user, referral)
    status = referral.status
    is_open = status in OPEN_STATUSES
    return {
        "accept": answers and status == ReferralStatus.SENT,
        "decline": answers and status == ReferralStatus.SENT,
        "start": answers and status == ReferralStatus.ACCEPTED,
        "complete": answers and status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
        "update": (answers or sender) and is_open and status != ReferralStatus.AWAITING_APPROVAL,
        "withdraw": selectors.can_act_as_sender(user, referral) and is_open,
        "approve": selectors.can_approve(user, referral),
        "pdf": sender
        and bool(referral.external_recipient)
        and status != ReferralStatus.AWAITING_APPROVAL,
    }


@login_required
@require_GET
def referral_detail(request: AuthedRequest, referral_id: uuid.UUID) -> HttpResponse:
    referral = _access(request, referral_id, "referral")
    receiver = selectors.is_receiver(request.user, referral)
    overdue = referral.status == ReferralStatus.SENT and referral.respond_by < timezone.now()
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "receiver": receiver,
            "sender": selectors.is_sender(request.user, referral),
            "shared": selectors.shared_view(referral, actor=request.user),
            "updates": selectors.updates_of(referral),
            "events": selectors.events_of(referral),
            "overdue": overdue,
            "can": _actions(request, referral),
            "reason_form": ReasonForm(),
            "outcome_form": OutcomeForm(),
            "update_form": UpdateForm(),
            "service": referral.service,
        },
    )


ACTIONS = ("accept", "decline", "start", "complete", "update", "withdraw", "approve")


@login_required
@require_POST
def referral_action(request: AuthedRequest, referral_id: uuid.UUID, action: str) -> HttpResponse:
    """One step of a referral: accept, decline (reason), start, complete (outcome), add
    an update (text), withdraw (reason), approve the legal ground."""
    if action not in ACTIONS:
        raise Http404
    referral = _access(request, referral_id, "referral_" + action)
    actor = request.user
    form: ReasonForm | OutcomeForm | UpdateForm | None = None
    if action in ("decline", "withdraw"):
        form = ReasonForm(request.POST)
    elif action == "complete":
        form = OutcomeForm(request.POST)
    elif action == "update":
        form = UpdateForm(request.POST)
    if form is not None and not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect(detail_url(referral))
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "accept":
            transition_services.referral_accept(actor=actor, referral=referral)
        elif action == "decline":
            transition_services.referral_decline(
                actor=actor, referral=referral, reason=data["reason"]
            )
        elif action == "start":
            transition_services.referral_start(actor=actor, referral=referral)
        elif action == "complete":
            transition_services.referral_complete(
                actor=actor, referral=referral, outcome=data["outcome"]
            )
        elif action == "update":
            transition_services.referral_add_update(
                actor=actor, referral=referral, text=data["text"]
            )
        elif action == "withdraw":
            transition_services.referral_withdraw(
                actor=actor, referral=referral, reason=data["reason"]
            )
        else:
            transition_services.referral_approve(actor=actor, referral=referral)
    except NotAllowed as exc:
        raise Http404 from exc
    except services.ReferralInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
        return redirect(detail_url(referral))
    messages.success(request, _("Done."))
    return redirect(detail_url(referral))


@login_required
@capability_required("referral.create")
@require_GET
def referral_pdf_download(request: AuthedRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The referral form for a recipient outside safepath: only for its sender's side,
    only after a password check within the last five minutes (it carries identity)."""
    referral = _access(request, referral_id, "referral_pdf")
    if not (selectors.is_sender(request.user, referral) and referral.external_recipient):
        raise Http404
    if referral.status == ReferralStatus.AWAITING_APPROVAL:
        raise Http404
    # The form carries what was shared; whoever may not see this person's identity
    # (another team's caseworker reaching the referral) does not get it this way either.
    if sharing.needs_consent(referral.shared_fields) and not can_see_identity(
        request.user, referral.person
    ):
        raise Http404
    if not recently_authenticated(request):
        return reauthenticate(request)
    return referral_pdf.attachment(referral, actor=request.user)


# --- lists ------------------------------------------------------------------------------


@login_required
@require_GET
def referral_list(request: AuthedRequest) -> HttpResponse:
    """Referrals sent within my reach and, for partners, received by my organisation."""
    if not _may_see_referrals(request):
        raise Http404
    user = request.user
    form = StatusFilterForm(request.GET or None)
    receiving = policies.can(user, "referral.receive") and not policies.can(user, "referral.view")
    box, status = ("received" if receiving else ""), ""
    if form.is_bound and form.is_valid():
        box = form.cleaned_data["box"] or box
        status = form.cleaned_data["status"]
    if box == "received":
        referrals = selectors.received_referrals(user)
    elif box == "sent":
        referrals = selectors.sent_referrals(user)
    else:
        referrals = selectors.visible_referrals(user)
    if status:
        referrals = referrals.filter(status=status)
    page = CappedPaginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    events.referrals_listed(
        actor=user,
        count=len(page.object_list),
        via="web",
        filters=[name for name, value in (("box", box), ("status", status)) if value],
    )
    return render(
        request,
        "referrals/referral_list.html",
        {"page": page, "form": form, "box": box, "now": timezone.now(), "receiving": receiving},
    )
