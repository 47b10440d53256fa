"""Every write to screenings: one atomic function per action."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.core.exceptions import NotAllowed
from safepath.insights.rollups.signals import rollups_changed
from safepath.people import services as people_services
from safepath.people.models import SPOKEN_LANGUAGES, Consent, ConsentMethod, ConsentPurpose, Person
from safepath.people.selectors import valid_consent
from safepath.people.validators import validate_voivodeship
from safepath.screening import events, vulnerability
from safepath.screening.catalogues import registry
from safepath.screening.indicators.catalogue import UnknownCatalogue
from safepath.screening.indicators.rules import Assessment, UnknownIndicators, assess
from safepath.screening.models import Screening, SiteType, snapshot_of


@dataclass(frozen=True, slots=True)
class ConsentGiven:
    """A consent to data processing given in the same request as the screening."""

    method: str
    date: datetime.date
    expires_on: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class Location:
    site_type: str
    voivodeship: str = ""


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    pointer: str
    detail: str


class ScreeningInvalid(ValueError):
    """The input does not make a screening; every problem is named, nothing is written."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


def valid_data_processing_consent(person: Person, *, actor: User) -> Consent | None:
    """The person's valid consent to data processing (general, or for the actor's
    organisation)."""
    return valid_consent(
        person, purpose=ConsentPurpose.DATA_PROCESSING, organisation_id=actor.organisation_id
    )


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(codes)


@transaction.atomic
def screening_create(
    *,
    actor: User,
    person: Person | None,
    catalogue: str,
    indicators: Sequence[str],
    act: bool,
    factors: Sequence[str],
    needs: Sequence[str],
    consent: ConsentGiven | None,
    location: Location,
    interview_language: str = "",
    indicators_unknown: Sequence[str] = (),
    via: str = "web",
    source: str = "",
    source_instance_id: str | None = None,
) -> Screening:
    """Assess and store a screening in the actor's organisation and team.

    With a person, the screening needs the person's consent to data processing: given
    now (`consent`, recorded as a Consent of the person) or already on record and
    valid. Without consent only an anonymous screening (`person=None`) can be saved.
    """
    if actor.organisation_id is None:
        raise NotAllowed("screening.create")
    policies.require(actor, "screening.create")
    if person is not None and not policies.in_scope(actor, "person.view", person):
        raise NotAllowed("person.view")

    errors: list[FieldError] = []
    assessment = None
    try:
        catalogue_ = registry().get(catalogue)
    except UnknownCatalogue:
        errors.append(
            FieldError(
                "catalogue",
                "/catalogue",
                _("Unknown catalogue. Use one of: %(codes)s.")
                % {"codes": _codes(registry().codes())},
            )
        )
    else:
        try:
            assessment = assess(catalogue_, indicators, act=act)
        except UnknownIndicators as exc:
            errors.append(
                FieldError(
                    "indicators",
                    "/indicators",
                    _("Not in catalogue %(catalogue)s version %(version)s: %(codes)s.")
                    % {
                        "catalogue": catalogue_.code,
                        "version": catalogue_.version,
                        "codes": _codes(exc.codes),
                    },
                )
            )
        if assessment is not None and (
            bad := sorted(
                {c for c in indicators_unknown if c not in catalogue_.indicators}
                | (set(indicators_unknown) & set(assessment.indicators))
            )
        ):
            errors.append(
                FieldError(
                    "indicators_unknown",
                    "/indicators_unknown",
                    _(
                        "Answered “don't know” must be codes of catalogue %(catalogue)s "
                        "not also answered yes: %(codes)s."
                    )
                    % {"catalogue": catalogue_.code, "codes": _codes(bad)},
                )
            )
    if bad := vulnerability.unknown_factors(factors):
        errors.append(
            FieldError(
                "vulnerability",
                "/vulnerability/factors",
                _("Unknown vulnerability factors: %(codes)s.") % {"codes": _codes(bad)},
            )
        )
    if bad := vulnerability.unknown_needs(needs):
        errors.append(
            FieldError("needs", "/needs", _("Unknown needs: %(codes)s.") % {"codes": _codes(bad)})
        )
    if location.site_type not in SiteType.values:
        errors.append(
            FieldError("location", "/location/site_type", _("Choose a site type from the list."))
        )
    try:
        validate_voivodeship(location.voivodeship)
    except ValidationError as exc:
        errors.append(FieldError("location", "/location/voivodeship", " ".join(exc.messages)))
    if interview_language and interview_language not in dict(SPOKEN_LANGUAGES):
        errors.append(
            FieldError(
                "interview_language",
                "/interview_language",
                _("Choose a language from the list."),
            )
        )
    if consent is not None and consent.method not in ConsentMethod.values:
        errors.append(FieldError("consent", "/consent/method", _("Choose how consent was given.")))
    existing_consent = None
    if person is None and consent is not None:
        errors.append(
            FieldError(
                "consent",
                "/consent",
                _("Consent is recorded for a person. Leave it empty for an anonymous screening."),
            )
        )
    elif person is not None and consent is None:
        existing_consent = valid_data_processing_consent(person, actor=actor)
        if existing_consent is None:
            errors.append(
                FieldError(
                    "consent",
                    "/consent",
                    _(
                        "A screening of a person needs their consent to the processing of "
                        "their data. Record it with the screening, or screen anonymously "
                        "without the person."
                    ),
                )
            )
    if errors or assessment is None:
        raise ScreeningInvalid(errors)

    recorded = existing_consent
    if person is not None and consent is not None:
        recorded = people_services.consent_record(
            actor=actor,
            person=person,
            purpose=ConsentPurpose.DATA_PROCESSING,
            given=True,
            method=consent.method,
            date=consent.date,
            expires_on=consent.expires_on,
        )
    screening = new_screening(
        actor=actor,
        person=person,
        consent=recorded,
        assessment=assessment,
        factors=factors,
        needs=needs,
        location=location,
        interview_language=interview_language,
        source=source,
        source_instance_id=source_instance_id,
        indicators_unknown=indicators_unknown,
    )
    screening.save(force_insert=True)
    events.screening_created(actor=actor, screening=screening, via=via)
    rollups_changed()
    return screening


def new_screening(
    *,
    actor: User,
    person: Person | None,
    consent: Consent | None,
    assessment: Assessment,
    factors: Sequence[str],
    needs: Sequence[str],
    location: Location,
    interview_language: str = "",
    source: str = "",
    source_instance_id: str | None = None,
    indicators_unknown: Sequence[str] = (),
) -> Screening:
    """The screening as it will be stored, not saved yet: the one definition of how its
    stored fields (snapshot, factors and needs in canonical order, "don't know" answers,
    priority, flags) are derived from an assessment and the answers.

    `screening_create` saves it after its checks; the import of offline submissions
    (`safepath.screening.import_service`) builds many and inserts them together.
    The input must already be valid: nothing is checked here.
    """
    if actor.organisation_id is None:
        raise NotAllowed("screening.create")
    factor_codes = sorted(set(factors))
    wanted = set(needs)
    need_codes = [code for code in vulnerability.NEED_CODES if code in wanted]
    level, reasons = vulnerability.priority(
        factors=factor_codes,
        needs=need_codes,
        trafficking_indicated=assessment.trafficking_indicated,
    )
    return Screening(
        person=person,
        consent=consent,
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        catalogue=assessment.catalogue,
        catalogue_version=assessment.catalogue_version,
        rule_version=assessment.rule_version,
        indicators=list(assessment.indicators),
        act=assessment.act,
        population=assessment.population,
        result=snapshot_of(assessment),
        factors=factor_codes,
        needs=need_codes,
        priority=level,
        priority_reasons=reasons,
        priority_rule_version=vulnerability.PRIORITY_RULE_VERSION,
        flags=vulnerability.flags(
            factors=factor_codes,
            needs=need_codes,
            trafficking_indicated=assessment.trafficking_indicated,
        ),
        voivodeship=location.voivodeship,
        site_type=location.site_type,
        interview_language=interview_language,
        source=source,
        source_instance_id=source_instance_id,
        indicators_unknown=sorted(set(indicators_unknown)),
    )
