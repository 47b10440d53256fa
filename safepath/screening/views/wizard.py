"""The web screening, step by step (safepath.screening.steps).

Every step is saved on the server when it is sent, so a dropped connection loses at
most the step on screen; the page's script keeps that step's answers in the tab
(sessionStorage) until it is sent. A draft is its author's only: anyone else gets 404.
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepath.accounts import policies
from safepath.core.decorators import capability_required
from safepath.core.exceptions import NotAllowed
from safepath.core.http import AuthedRequest
from safepath.people import selectors as people_selectors
from safepath.people.models import AgeBand, Person
from safepath.screening import draft_services, selectors, steps, vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.explanations import dimension_name, element_name
from safepath.screening.forms import (
    INDICATOR_PREFIX,
    ActForm,
    ConsentStepForm,
    DimensionForm,
    NeedsForm,
    StartForm,
    WhereForm,
)
from safepath.screening.indicators.catalogue import Catalogue
from safepath.screening.indicators.rules import ACT
from safepath.screening.interview_texts import (
    INTERVIEW_LANGUAGES,
    act_question,
    consent_paragraphs,
)
from safepath.screening.models import ScreeningDraft, SiteType
from safepath.screening.services import ScreeningInvalid

CHILD_BANDS = (AgeBand.A0_4, AgeBand.A5_11, AgeBand.A12_17)
ADULT_BANDS = (AgeBand.A18_59, AgeBand.A60)


def step_url(draft: ScreeningDraft, step: str) -> str:
    return reverse("screening:step", args=[draft.public_id, step])


def _step_title(step: str) -> str:
    titles = {
        steps.START: _("Interview language"),
        steps.CONSENT: _("Consent"),
        steps.WHERE: _("Where and who"),
        steps.ACT: _("What happened to the child"),
        steps.NEEDS: _("Vulnerability and needs"),
        steps.REVIEW: _("Check and save"),
    }
    return titles.get(step) or dimension_name(step)


def _person_from_query(request: AuthedRequest) -> Person | None:
    raw = request.GET.get("person") or request.POST.get("person")
    if not raw:
        return None
    person = people_selectors.access_person(
        actor=request.user, person_id=raw, purpose="screening", via="web"
    )
    if not policies.in_scope(request.user, "consent.record", person):
        raise Http404
    return person


@login_required
@capability_required("screening.create")
@require_http_methods(["GET", "POST"])
def start(request: AuthedRequest) -> HttpResponse:
    """A new screening: of a registered person (`?person=<id>`, from their page), or
    anonymous."""
    person = _person_from_query(request)
    form = StartForm(request.POST or None, initial={"interview_language": _ui_language()})
    if request.method == "POST" and form.is_valid():
        try:
            draft = draft_services.draft_start(
                actor=request.user,
                person=person,
                interview_language=form.cleaned_data["interview_language"],
            )
        except NotAllowed as exc:
            raise Http404 from exc
        sequence = steps.steps_for(has_person=person is not None, answers={})
        return redirect(step_url(draft, steps.next_step(sequence, draft.steps_done)))
    return render(
        request,
        "screening/start.html",
        {"form": form, "person": person, "drafts": selectors.drafts_of(request.user)[:20]},
    )


@login_required
@capability_required("screening.create")
def resume(request: AuthedRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = selectors.access_draft(actor=request.user, draft_id=draft_id)
    sequence = _sequence(draft)
    return redirect(step_url(draft, steps.next_step(sequence, draft.steps_done)))


@login_required
@capability_required("screening.create")
@require_POST
def discard(request: AuthedRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = selectors.access_draft(actor=request.user, draft_id=draft_id)
    draft_services.draft_discard(actor=request.user, draft=draft)
    messages.success(request, _("Draft discarded."))
    return redirect("screening:start")


def _sequence(draft: ScreeningDraft) -> list[str]:
    return steps.steps_for(has_person=draft.person_id is not None, answers=draft.answers)


def _ui_language() -> str:
    language = translation.get_language() or "en"
    return language if language in dict(INTERVIEW_LANGUAGES) else "en"


@login_required
@capability_required("screening.create")
@require_http_methods(["GET", "POST"])
def step(request: AuthedRequest, draft_id: uuid.UUID, step: str) -> HttpResponse:
    draft = selectors.access_draft(actor=request.user, draft_id=draft_id)
    sequence = _sequence(draft)
    if step not in sequence:
        raise Http404
    # No skipping ahead: a step opens once every step before it is saved.
    first_open = steps.next_step(sequence, draft.steps_done)
    if sequence.index(step) > sequence.index(first_open):
        return redirect(step_url(draft, first_open))

    data = request.POST if request.method == "POST" else None
    form, context = _form_for(draft, step, data)
    if request.method == "POST" and form.is_valid():
        if step != steps.REVIEW:
            _save(request, draft, step, form)
            sequence = _sequence(draft)
            return redirect(step_url(draft, steps.next_step(sequence, draft.steps_done)))
        try:
            screening = draft_services.draft_finish(actor=request.user, draft=draft)
        except ScreeningInvalid as exc:
            # Something changed since the steps were saved (a consent withdrawn, a new
            # catalogue version): say what, and keep the draft.
            for error in exc.errors:
                form.add_error(None, error.detail)
        except NotAllowed as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Screening saved."))
            return redirect(reverse("screening:detail", args=[screening.public_id]) + "?finished=1")

    before, _after = steps.neighbours(sequence, step)
    return render(
        request,
        f"screening/step_{_template(step)}.html",
        {
            "draft": draft,
            "form": form,
            "step": step,
            "title": _step_title(step),
            "number": sequence.index(step) + 1,
            "total": len(sequence) if draft.answers.get("population") else None,
            "previous_url": step_url(draft, before) if before else None,
            "interview_language": draft.interview_language,
            "interview_language_name": dict(INTERVIEW_LANGUAGES)[draft.interview_language],
            "different_languages": draft.interview_language != _ui_language(),
            **context,
        },
    )


def _template(step: str) -> str:
    return "dimension" if step in steps.DIMENSIONS_STEPS else step


def _form_for(draft: ScreeningDraft, step: str, data: Any) -> tuple[forms.Form, dict[str, Any]]:
    answers = draft.answers
    language = draft.interview_language
    if step == steps.START:
        return StartForm(data, initial={"interview_language": language}), {}
    if step == steps.CONSENT:
        return ConsentStepForm(data), {"paragraphs": consent_paragraphs(language)}
    if step == steps.WHERE:
        initial = {key: answers.get(key) for key in ("site_type", "voivodeship", "age")}
        fixed_age = _age_of(draft.person)
        if fixed_age and not initial["age"]:
            initial["age"] = fixed_age
        if not initial["voivodeship"] and draft.person is not None:
            initial["voivodeship"] = draft.person.voivodeship
        return WhereForm(data, initial=initial), {}
    if step == steps.ACT:
        return ActForm(data, initial={"act": answers.get("act")}), {
            "question": act_question(language),
            "question_ui": act_question(_ui_language()),
            "act_label": element_name(ACT),
        }
    if step in steps.DIMENSIONS_STEPS:
        catalogue = _catalogue(draft)
        given = dict(answers.get("indicators", {}))
        form = DimensionForm(
            data,
            catalogue=catalogue,
            dimension=step,
            initial={INDICATOR_PREFIX + code: answer for code, answer in given.items()},
        )
        ui = _ui_language()
        questions = [
            {
                "field": form[INDICATOR_PREFIX + indicator.code],
                "indicator": indicator,
                "question": indicator.question(language),
                "question_ui": indicator.question(ui),
                "label": indicator.label(ui),
                "strength": _strength_name(indicator.strength),
            }
            for indicator in form.indicators
        ]
        return form, {"questions": questions, "catalogue": catalogue}
    if step == steps.NEEDS:
        initial_factors = answers.get("factors")
        if initial_factors is None:
            initial_factors = _suggested_factors(draft)
        needs_form = NeedsForm(
            data, initial={"factors": initial_factors, "needs": answers.get("needs")}
        )
        return needs_form, {
            "factor_groups": _factor_groups(needs_form),
            "needs_field": needs_form["needs"],
        }
    if step == steps.REVIEW:
        return forms.Form(data), {"summary": _summary(draft)}
    raise Http404


def _save(request: AuthedRequest, draft: ScreeningDraft, step: str, form: forms.Form) -> None:
    if step == steps.START:
        draft_services.draft_set_language(
            actor=request.user,
            draft=draft,
            interview_language=form.cleaned_data["interview_language"],
        )
        return
    if step == steps.CONSENT:
        given = form.cleaned_data["decision"] == "yes"
        draft_services.draft_record_consent(
            actor=request.user, draft=draft, given=given, method=form.cleaned_data["method"]
        )
        if not given:
            messages.info(
                request,
                _(
                    "Consent refused and recorded. The screening goes on anonymously: "
                    "nothing that identifies the person is saved with it."
                ),
            )
        return
    if isinstance(form, DimensionForm):
        answers: dict[str, Any] = form.answers()
    else:
        answers = dict(form.cleaned_data)
    draft_services.draft_save_step(actor=request.user, draft=draft, step=step, answers=answers)


def _catalogue(draft: ScreeningDraft) -> Catalogue:
    return registry().get(draft.answers["catalogue"], draft.answers["catalogue_version"])


def _age_of(person: Person | None) -> str:
    if person is None:
        return ""
    if person.age_band in CHILD_BANDS:
        return steps.UNDER_18
    if person.age_band in ADULT_BANDS:
        return steps.ADULT_AGE
    return ""


def _suggested_factors(draft: ScreeningDraft) -> list[str]:
    """What the answers so far already say (the caseworker can untick it)."""
    suggested = []
    if draft.answers.get("population") == steps.CHILD:
        suggested.append("child")
    if draft.person is not None and draft.person.age_band == AgeBand.A60:
        suggested.append("elderly")
    return suggested


def _strength_name(strength: str) -> str:
    names = {
        "strong": _("strong indicator"),
        "medium": _("medium indicator"),
        "weak": _("weak indicator"),
    }
    return names.get(strength, strength)


def _level_name(level: str) -> str:
    names = {
        vulnerability.INDIVIDUAL: _("The person"),
        vulnerability.HOUSEHOLD: _("Household and family"),
        vulnerability.COMMUNITY: _("Community"),
        vulnerability.STRUCTURAL: _("Status and circumstances"),
    }
    return names[level]


def _factor_groups(form: NeedsForm) -> list[dict[str, Any]]:
    by_code = {str(widget.data["value"]): widget for widget in form["factors"]}
    return [
        {
            "name": _level_name(level),
            "risks": [
                by_code[f.code]
                for f in vulnerability.FACTORS
                if f.level == level and f.kind == vulnerability.RISK
            ],
            "protective": [
                by_code[f.code]
                for f in vulnerability.FACTORS
                if f.level == level and f.kind == vulnerability.PROTECTIVE
            ],
        }
        for level in vulnerability.LEVELS
    ]


def _summary(draft: ScreeningDraft) -> dict[str, Any]:
    answers = draft.answers
    catalogue = _catalogue(draft)
    given = dict(answers.get("indicators", {}))
    ui = _ui_language()
    dimensions = []
    for dimension in steps.dimensions_of(catalogue):
        codes = [c for c, i in catalogue.indicators.items() if i.dimension == dimension]
        dimensions.append(
            {
                "step": dimension,
                "name": dimension_name(dimension),
                "yes": [
                    (code, catalogue.indicators[code].label(ui))
                    for code in codes
                    if given.get(code) == "yes"
                ],
                "dont_know": sum(1 for code in codes if given.get(code) == "dont_know"),
                "url": step_url(draft, dimension),
            }
        )
    factor_names = {f.code: f.label for f in vulnerability.FACTORS}
    need_names = dict(vulnerability.NEEDS)
    return {
        "person": draft.person,
        "consent": draft.consent,
        "site_type": SiteType(answers["site_type"]).label,
        "voivodeship": answers.get("voivodeship", ""),
        "population": answers["population"],
        "act": answers.get("act", ""),
        "catalogue": catalogue,
        "dimensions": dimensions,
        "factors": [factor_names[code] for code in answers.get("factors", [])],
        "needs": [need_names[code] for code in answers.get("needs", [])],
        "where_url": step_url(draft, steps.WHERE),
        "needs_url": step_url(draft, steps.NEEDS),
    }
