"""What a report to law enforcement holds, and the checks on it before anything is
written: the input shapes shared by the web pages and the API, and `clean`, which names
every problem at once. The services in `report_services` call it."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from django.utils import timezone
from django.utils.translation import gettext as _

from safepath.cases.models import Case
from safepath.cases.models.reports import LegalGround, PerpetratorRole
from safepath.core.geography import VOIVODESHIP_CODES, is_country_code
from safepath.people.models import AgeBand

MAX_FACTS: Final = 10_000
MAX_TEXT: Final = 2_000
MAX_PLACE: Final = 200
MAX_ROWS: Final = 20
ADULT_BANDS: Final = frozenset({AgeBand.A18_59, AgeBand.A60})


@dataclass(frozen=True, slots=True)
class ReportError:
    field: str
    detail: str


class ReportInvalid(ValueError):
    """The input or the report's state does not allow the action; every problem is
    named (`field` is the input's name, or `status` for a transition from the wrong
    state) and nothing is written."""

    def __init__(self, errors: Sequence[ReportError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True, slots=True)
class PlaceIn:
    place: str
    country: str = ""
    voivodeship: str = ""
    date: datetime.date | None = None
    what_happened: str = ""


@dataclass(frozen=True, slots=True)
class PerpetratorIn:
    role: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReportContent:
    """What a draft holds. An update replaces the whole content."""

    facts: str = ""
    indicators: Sequence[str] = ()
    places: Sequence[PlaceIn] = ()
    perpetrators: Sequence[PerpetratorIn] = ()
    legal_ground: str = ""
    legal_ground_reason: str = ""


@dataclass(slots=True)
class Clean:
    facts: str
    indicators: list[str]
    places: list[PlaceIn]
    perpetrators: list[PerpetratorIn]
    legal_ground: str
    legal_ground_reason: str
    errors: list[ReportError] = field(default_factory=list)


def too_long(name: str, limit: int) -> ReportError:
    return ReportError(name, _("At most %(count)d characters.") % {"count": limit})


def _clean_places(places: Sequence[PlaceIn], errors: list[ReportError]) -> list[PlaceIn]:
    if len(places) > MAX_ROWS:
        errors.append(ReportError("places", _("At most %(count)d places.") % {"count": MAX_ROWS}))
        return []
    today = timezone.localdate()
    cleaned = []
    for number, row in enumerate(places, start=1):
        place = row.place.strip()
        country = row.country.strip().upper()
        voivodeship = row.voivodeship.strip()
        what = row.what_happened.strip()
        problems = []
        if not place:
            problems.append(_("name the place"))
        elif len(place) > MAX_PLACE:
            problems.append(_("the place has at most %(count)d characters") % {"count": MAX_PLACE})
        if country and not is_country_code(country):
            problems.append(_("choose a country from the list"))
        if voivodeship:
            if voivodeship not in VOIVODESHIP_CODES:
                problems.append(_("choose a voivodeship from the list"))
            elif country not in ("", "POL"):
                problems.append(_("a voivodeship is in Poland"))
            country = "POL"
        if row.date is not None and row.date > today:
            problems.append(_("the date cannot be in the future"))
        if len(what) > MAX_TEXT:
            problems.append(
                _("what happened has at most %(count)d characters") % {"count": MAX_TEXT}
            )
        for problem in problems:
            errors.append(
                ReportError(
                    "places",
                    _("Place %(number)d: %(problem)s.") % {"number": number, "problem": problem},
                )
            )
        cleaned.append(PlaceIn(place, country, voivodeship, row.date, what))
    return cleaned


def _clean_perpetrators(
    perpetrators: Sequence[PerpetratorIn], errors: list[ReportError]
) -> list[PerpetratorIn]:
    if len(perpetrators) > MAX_ROWS:
        errors.append(
            ReportError("perpetrators", _("At most %(count)d perpetrators.") % {"count": MAX_ROWS})
        )
        return []
    cleaned = []
    for number, row in enumerate(perpetrators, start=1):
        description = row.description.strip()
        if row.role not in PerpetratorRole.values:
            errors.append(
                ReportError(
                    "perpetrators",
                    _("Perpetrator %(number)d: choose a role from the list.") % {"number": number},
                )
            )
        if len(description) > MAX_TEXT:
            errors.append(
                ReportError(
                    "perpetrators",
                    _("Perpetrator %(number)d: at most %(count)d characters.")
                    % {"number": number, "count": MAX_TEXT},
                )
            )
        cleaned.append(PerpetratorIn(row.role, description))
    return cleaned


def check_content(case: Case, content: ReportContent) -> Clean:
    errors: list[ReportError] = []
    facts = content.facts.strip()
    if len(facts) > MAX_FACTS:
        errors.append(too_long("facts", MAX_FACTS))
    observed = list(case.screening.indicators) if case.screening else []
    wanted = set(content.indicators)
    if unknown := sorted(wanted - set(observed)):
        errors.append(
            ReportError(
                "indicators",
                _("Not observed in the case's screening: %(codes)s.")
                % {"codes": ", ".join(unknown)},
            )
        )
    ground = content.legal_ground or ""
    reason = content.legal_ground_reason.strip() if ground else ""
    if ground and ground not in LegalGround.values:
        errors.append(ReportError("legal_ground", _("Choose a value from the list.")))
    elif ground:
        if not reason:
            errors.append(
                ReportError("legal_ground_reason", _("Say why this legal ground applies."))
            )
        elif len(reason) > MAX_TEXT:
            errors.append(too_long("legal_ground_reason", MAX_TEXT))
        person = case.person
        if (
            ground == LegalGround.CHILD_PROTECTION
            and person.age_band in ADULT_BANDS
            and not person.child_status
        ):
            errors.append(
                ReportError(
                    "legal_ground",
                    _("Child protection applies to children; the person is recorded as an adult."),
                )
            )
    return Clean(
        facts=facts,
        indicators=[code for code in observed if code in wanted],
        places=_clean_places(content.places, errors),
        perpetrators=_clean_perpetrators(content.perpetrators, errors),
        legal_ground=ground,
        legal_ground_reason=reason,
        errors=errors,
    )
