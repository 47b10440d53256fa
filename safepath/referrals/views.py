"""Referral pages (issue 5 §4, §5). Thin: fetch through `access_*`, validate, call one
service, render.

A new referral takes three screens: the recipient (the pathway's proposed services
first, or the directory, or an organisation in safepath, or someone outside it), then
what to share and why, then a preview of exactly what will leave safepath, with the
Send button. The form's answers travel in the POST from the second screen to the
third, never in a URL. A refusal (no consent, no legal ground) shows its reason and
creates nothing: the service audits it.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepath.accounts import policies
from safepath.accounts.models import Organisation
from safepath.accounts.reauthentication import reauthenticate, recently_authenticated
from safepath.cases.models import Case
from safepath.cases.selectors import access_case
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest
from safepath.core.pagination import CappedPaginator
from safepath.directory.models import Service, ServiceStatus
from safepath.people.models import Person
from safepath.referrals import events, inbox, pathways, referral_pdf, selectors, services, sharing
from safepath.referrals.forms import (
    DirectorySearchForm,
    OutcomeForm,
    PathwayForm,
    ReasonForm,
    ReferralForm,
    StatusFilterForm,
    UpdateForm,
)
from safepath.referrals.models import (
    OPEN_STATUSES,
    PathwayTemplate,
    Referral,
    ReferralStatus,
)
from safepath.screening.models import Screening
from safepath.screening.selectors import access_screening

PAGE_SIZE = 50


def _detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.public_id])


def _may_see_referrals(request: AuthedRequest) -> bool:
    user = request.user
    return policies.can(user, "referral.view") or policies.can(user, "referral.receive")


# --- where a referral comes from ------------------------------------------------------


class Origin:
    """The screening and/or case a new referral starts from, and its person."""

    def __init__(self, screening: Screening | None, case: Case | None) -> None:
        self.screening = screening
        self.case = case
        person = case.person if case is not None else None
        if person is None and screening is not None:
            person = screening.person
        if person is None:  # an anonymous screening: nobody to refer
            raise Http404
        self.person: Person = person

    def query(self) -> dict[str, str]:
        if self.case is not None:
            return {"case": str(self.case.public_id)}
        assert self.screening is not None
        return {"screening": str(self.screening.public_id)}

    @property
    def back_url(self) -> str:
        if self.case is not None:
            return self.case.get_absolute_url()
        assert self.screening is not None
        return self.screening.get_absolute_url()


def _origin(request: AuthedRequest) -> Origin:
    """From `?case=` or `?screening=` (UUIDs only), each through its own door."""
    if case_id := request.GET.get("case"):
        case = access_case(actor=request.user, case_id=case_id, purpose="referral", via="web")
        return Origin(case.screening, case)
    if screening_id := request.GET.get("screening"):
        screening = access_screening(
            actor=request.user, screening_id=screening_id, purpose="referral", via="web"
        )
        return Origin(screening, None)
    raise Http404


def _query(origin: Origin, **extra: str) -> str:
    from django.utils.http import urlencode

    return urlencode({**origin.query(), **extra})


# --- new referral ---------------------------------------------------------------------


@login_required
@capability_required("referral.create")
@require_GET
def referral_new(request: AuthedRequest) -> HttpResponse:
    """Step 1: choose the recipient."""
    origin = _origin(request)
    voivodeship, city = pathways.origin(
        actor=request.user, person=origin.person, screening=origin.screening
    )
    proposed = pathways.applicable(screening=origin.screening, case=origin.case)
    chosen_code = request.GET.get("pathway", "")
    others = [p for p in PathwayTemplate.objects.filter(active=True) if p not in proposed]
    shown = list(proposed)
    extra = next((p for p in others if p.code == chosen_code), None)
    if extra is not None:
        shown.append(extra)
    pathway_services = [
        (
            pathway,
            pathways.propose(
                pathway,
                person=origin.person,
                screening=origin.screening,
                voivodeship=voivodeship,
                city=city,
            ),
        )
        for pathway in shown
    ]
    search = DirectorySearchForm(request.GET if "search" in request.GET else None)
    results = None
    if search.is_bound and search.is_valid():
        data = search.cleaned_data
        results = pathways.search(
            service_type=data["service_type"],
            voivodeship=data["voivodeship"] or voivodeship,
            city=data["city"],
        )
    return render(
        request,
        "referrals/referral_new.html",
        {
            "origin": origin,
            "origin_query": _query(origin),
            "pathway_services": pathway_services,
            "other_pathways": [p for p in others if p != extra],
            "search": search,
            "results": results,
            "organisations": Organisation.objects.filter(is_active=True).exclude(
                code=request.user.organisation.code if request.user.organisation else ""
            ),
        },
    )


def _recipient(request: AuthedRequest) -> tuple[Service | None, Organisation | None, bool]:
    """The recipient chosen in step 1 (`service`, `organisation` or `external`)."""
    if service_id := request.GET.get("service"):
        try:
            key = uuid.UUID(service_id)
        except ValueError as exc:
            raise Http404 from exc
        service = (
            Service.objects.filter(public_id=key, status=ServiceStatus.ACTIVE)
            .select_related("organization__organisation")
            .first()
        )
        if service is None:
            raise Http404
        return service, None, False
    if code := request.GET.get("organisation"):
        organisation = Organisation.objects.filter(code=code, is_active=True).first()
        if organisation is None:
            raise Http404
        return None, organisation, False
    if request.GET.get("external") == "1":
        return None, None, True
    raise Http404


@login_required
@capability_required("referral.create")
@require_http_methods(["GET", "POST"])
def referral_compose(request: AuthedRequest) -> HttpResponse:
    """Step 2 (what to share, purpose, urgency, legal ground), the preview, and Send."""
    origin = _origin(request)
    service, organisation, external = _recipient(request)
    choices = sharing.shareable_fields(
        origin.person, case=origin.case, screening=origin.screening, service=service
    )
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        initial={"share": [c.name for c in choices if c.default]},
        share_choices=[(c.name, str(c.label)) for c in choices],
        external=external,
    )
    context: dict[str, Any] = {
        "origin": origin,
        "origin_query": request.GET.urlencode(),
        "service": service,
        "organisation": organisation,
        "external": external,
        "choices": choices,
        "form": form,
    }
    if request.method == "GET" or not form.is_valid():
        return render(request, "referrals/referral_compose.html", context, status=_status(request))
    if request.POST.get("action") == "edit":  # back from the preview, answers kept
        return render(request, "referrals/referral_compose.html", context)
    data = form.cleaned_data
    if request.POST.get("action") != "send":
        context["shared"] = sharing.preview(
            actor=request.user,
            person=origin.person,
            case=origin.case,
            screening=origin.screening,
            share=data["share"],
        )
        return render(request, "referrals/referral_preview.html", context)
    try:
        referral = services.referral_create(
            actor=request.user,
            person=origin.person,
            case=origin.case,
            screening=origin.screening,
            service=service,
            to_organisation=organisation,
            external_recipient=data.get("external_recipient", ""),
            recipient_language=data.get("recipient_language", ""),
            purpose=data["purpose"],
            urgent=data["urgent"],
            share=data["share"],
            legal_ground=data["legal_ground"],
            sent_via=data.get("sent_via") or "safepath",
            via="web",
        )
    except services.ReferralRefused as exc:
        context["refused"] = exc.message
        return render(request, "referrals/referral_compose.html", context, status=403)
    except services.ReferralInvalid as exc:
        for error in exc.errors:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        return render(request, "referrals/referral_compose.html", context, status=422)
    except NotAllowed as exc:
        raise Http404 from exc
    messages.success(request, _("Referral sent."))
    return redirect(_detail_url(referral))


def _status(request: AuthedRequest) -> int:
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
        return redirect(_detail_url(referral))
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "accept":
            services.referral_accept(actor=actor, referral=referral)
        elif action == "decline":
            services.referral_decline(actor=actor, referral=referral, reason=data["reason"])
        elif action == "start":
            services.referral_start(actor=actor, referral=referral)
        elif action == "complete":
            services.referral_complete(actor=actor, referral=referral, outcome=data["outcome"])
        elif action == "update":
            services.referral_add_update(actor=actor, referral=referral, text=data["text"])
        elif action == "withdraw":
            services.referral_withdraw(actor=actor, referral=referral, reason=data["reason"])
        else:
            services.referral_approve(actor=actor, referral=referral)
    except NotAllowed as exc:
        raise Http404 from exc
    except services.ReferralInvalid as exc:
        for problem in exc.errors:
            messages.error(request, problem.detail)
        return redirect(_detail_url(referral))
    messages.success(request, _("Done."))
    return redirect(_detail_url(referral))


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


# --- notifications ----------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "referrals/notifications.html",
        {"notifications": inbox.lines(request.user)},
    )


@login_required
@require_GET
def notification_open(request: AuthedRequest, notification_id: uuid.UUID) -> HttpResponse:
    """Mark the notification read and go to what it is about (a path of this site)."""
    notification = inbox.access_notification(actor=request.user, notification_id=notification_id)
    inbox.mark_read(actor=request.user, notification=notification)
    return HttpResponseRedirect(inbox.safe_url(notification.url))


# --- pathway templates (administrators) -------------------------------------------------


@login_required
@capability_required("pathway.manage")
@require_GET
def pathway_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "referrals/pathway_list.html",
        {"pathways": PathwayTemplate.objects.all()},
    )


def _pathway_initial(pathway: PathwayTemplate) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "code": pathway.code,
        "position": pathway.position,
        "active": pathway.active,
        "service_types": list(pathway.service_types or []),
        "groups": list(pathway.groups or []),
        "trigger_groups": list((pathway.trigger or {}).get("groups", [])),
    }
    for key in ("outcome", "population", "flags", "needs", "factors"):
        initial[key] = list((pathway.trigger or {}).get(key, []))
    for code, text in (pathway.name or {}).items():
        initial[f"name_{code}"] = text
    for code, text in (pathway.description or {}).items():
        initial[f"description_{code}"] = text
    return initial


@login_required
@capability_required("pathway.manage")
@require_http_methods(["GET", "POST"])
def pathway_edit(request: AuthedRequest, pathway_id: uuid.UUID | None = None) -> HttpResponse:
    pathway = None
    if pathway_id is not None:
        pathway = PathwayTemplate.objects.filter(public_id=pathway_id).first()
        if pathway is None:
            raise Http404
    form = PathwayForm(
        request.POST if request.method == "POST" else None,
        initial=_pathway_initial(pathway) if pathway else None,
        editing=pathway is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pathways.pathway_save(
                actor=request.user,
                pathway=pathway,
                code=pathway.code if pathway else data["code"],
                name=form.texts("name"),
                description=form.texts("description"),
                trigger=form.trigger(),
                service_types=data["service_types"],
                groups=data["groups"],
                active=data["active"],
                position=data["position"],
            )
        except pathways.PathwayInvalid as exc:
            for field, problem in exc.errors.items():
                form.add_error(
                    field if field in form.fields else None,
                    _("This code is already used.")
                    if problem == "taken"
                    else _("This value is not accepted."),
                )
        else:
            messages.success(request, _("Pathway saved."))
            return redirect("referrals:pathways")
    return render(
        request,
        "referrals/pathway_form.html",
        {"form": form, "pathway": pathway},
        status=_status(request),
    )
