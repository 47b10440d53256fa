"""Every write to web screening drafts: start, save a step, record consent, finish, discard.

A draft belongs to the user who started it and no one else (`selectors.access_draft`).
Finishing it creates the Screening through `services.screening_create`, the same door
as the API, and deletes the draft in the same transaction.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.core.exceptions import NotAllowed
from safepath.people import services as people_services
from safepath.people.models import ConsentPurpose, Person
from safepath.screening import steps
from safepath.screening.catalogues import registry
from safepath.screening.forms import DONT_KNOW, YES
from safepath.screening.interview_texts import INTERVIEW_LANGUAGES, TEXT_VERSION
from safepath.screening.models import Screening, ScreeningDraft
from safepath.screening.services import Location, screening_create

# What a new path (the age answer changed) makes obsolete.
PATH_ANSWERS = ("act", "indicators", "catalogue", "catalogue_version")


def draft_start(*, actor: User, person: Person | None, interview_language: str) -> ScreeningDraft:
    if actor.organisation_id is None:
        raise NotAllowed("screening.create")
    policies.require(actor, "screening.create")
    if person is not None and not policies.in_scope(actor, "consent.record", person):
        raise NotAllowed("consent.record")
    if interview_language not in dict(INTERVIEW_LANGUAGES):
        raise ValueError(f"no interview language {interview_language!r}")
    return ScreeningDraft.objects.create(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        person=person,
        interview_language=interview_language,
        steps_done=[steps.START],
    )


def _mark_done(draft: ScreeningDraft, step: str) -> None:
    if step not in draft.steps_done:
        draft.steps_done = [*draft.steps_done, step]


@transaction.atomic
def draft_set_language(*, actor: User, draft: ScreeningDraft, interview_language: str) -> None:
    _own(actor, draft)
    if interview_language not in dict(INTERVIEW_LANGUAGES):
        raise ValueError(f"no interview language {interview_language!r}")
    draft.interview_language = interview_language
    draft.save(update_fields=["interview_language", "updated_at"])


@transaction.atomic
def draft_record_consent(*, actor: User, draft: ScreeningDraft, given: bool, method: str) -> None:
    """The person's decision, recorded as a Consent with the text's version and language.
    Refused: the draft goes on without the person, as an anonymous screening."""
    _own(actor, draft)
    if draft.person is None:
        raise ValueError("an anonymous draft has no consent step")
    consent = people_services.consent_record(
        actor=actor,
        person=draft.person,
        purpose=ConsentPurpose.DATA_PROCESSING,
        given=given,
        method=method,
        date=timezone.localdate(),
        language=draft.interview_language,
        text_version=TEXT_VERSION,
    )
    if given:
        draft.consent = consent
        _mark_done(draft, steps.CONSENT)
    else:
        draft.person = None
        draft.consent = None
        draft.steps_done = [step for step in draft.steps_done if step != steps.CONSENT]
    draft.save(update_fields=["person", "consent", "steps_done", "updated_at"])


@transaction.atomic
def draft_save_step(
    *, actor: User, draft: ScreeningDraft, step: str, answers: Mapping[str, Any]
) -> None:
    """Merge one step's answers into the draft and mark the step saved."""
    _own(actor, draft)
    data = dict(draft.answers)
    if step == steps.WHERE:
        population = steps.PATH_OF_AGE[answers["age"]]
        if data.get("population") not in (None, population):
            # Another path, another catalogue: the other path's answers do not apply.
            for key in PATH_ANSWERS:
                data.pop(key, None)
            draft.steps_done = [s for s in draft.steps_done if s in (steps.START, steps.CONSENT)]
        catalogue = steps.catalogue_for(population)
        data.update(answers)
        data.update(
            population=population,
            catalogue=catalogue.code,
            catalogue_version=catalogue.version,
        )
    elif step == steps.ACT:
        data["act"] = answers.get("act", "")
    elif step in steps.DIMENSIONS_STEPS:
        catalogue = registry().get(data["catalogue"], data["catalogue_version"])
        indicators = {
            code: answer
            for code, answer in dict(data.get("indicators", {})).items()
            if code in catalogue.indicators and catalogue.indicators[code].dimension != step
        }
        indicators.update(answers)
        data["indicators"] = indicators
    elif step == steps.NEEDS:
        data["factors"] = list(answers.get("factors", []))
        data["needs"] = list(answers.get("needs", []))
    else:
        raise ValueError(f"step {step!r} has no answers to save")
    draft.answers = data
    _mark_done(draft, step)
    draft.save(update_fields=["answers", "steps_done", "updated_at"])


@transaction.atomic
def draft_finish(*, actor: User, draft: ScreeningDraft) -> Screening:
    """The screening, assessed and stored; the draft is gone."""
    _own(actor, draft)
    data = draft.answers
    indicators = dict(data.get("indicators", {}))
    screening = screening_create(
        actor=actor,
        person=draft.person,
        catalogue=data["catalogue"],
        indicators=sorted(code for code, answer in indicators.items() if answer == YES),
        indicators_unknown=sorted(
            code for code, answer in indicators.items() if answer == DONT_KNOW
        ),
        act=data.get("act") == YES,
        factors=data.get("factors", []),
        needs=data.get("needs", []),
        consent=None,
        location=Location(site_type=data["site_type"], voivodeship=data.get("voivodeship", "")),
        interview_language=draft.interview_language,
        via="web",
    )
    draft.delete()
    return screening


def draft_discard(*, actor: User, draft: ScreeningDraft) -> None:
    _own(actor, draft)
    draft.delete()


def _own(actor: User, draft: ScreeningDraft) -> None:
    if draft.created_by_id != actor.pk:
        raise NotAllowed("screening.create")
