"""The new-referral pages (issue 5 §4, §5). Thin: fetch through `access_*`, validate,
call one service, render.

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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepath.accounts.models import Organisation
from safepath.cases.models import Case
from safepath.cases.selectors import access_case
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest
from safepath.directory.models import Service, ServiceStatus
from safepath.people.models import Person
from safepath.referrals import pathways, services, sharing
from safepath.referrals.forms import DirectorySearchForm, ReferralForm
from safepath.referrals.models import PathwayTemplate
from safepath.referrals.views import detail_url, form_status
from safepath.screening.models import Screening
from safepath.screening.selectors import access_screening

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
        return render(
            request, "referrals/referral_compose.html", context, status=form_status(request)
        )
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
    return redirect(detail_url(referral))
