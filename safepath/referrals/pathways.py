"""Referral pathways (issue 5 §5): which pathway templates fit a screening or a case,
and which directory services each one proposes, nearest first.

A pathway's `trigger` is a small rule over the facts of a screening (and its case):
each key it lists must match at least one of its values, and an empty trigger never
matches (such a pathway is offered only when the caseworker picks it). The keys:

- `outcome`: "possible_victim" when the screening indicated trafficking, otherwise
  "not_indicated";
- `population`: "adult" or "child", as the screening assessed the person;
- `flags`, `needs`, `factors`: the screening's codes (safepath.screening.vulnerability);
  a person recorded as an unaccompanied or separated child adds the factor too;
- `groups`: the groups served that follow from what is recorded about the person
  (`person_groups`). Sexual orientation and gender identity are never inferred, so the
  LGBTQI+ pathway is offered but never proposed on its own.

Services are proposed from the pathway's service types (taxonomy term codes), active
ones only, ordered by distance as the directory knows it: a location in the same city,
then in the same voivodeship (or a service area covering it), then services for the
whole country, then the rest; within each, those speaking one of the person's
languages and serving one of the groups come first.

The five default pathways are in `default_pathways`; the writes to pathway templates in
`pathway_services`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import Prefetch

from safepath.accounts.models import User
from safepath.cases.models import Case
from safepath.directory.models import (
    Attribute,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from safepath.directory.taxonomies import GROUP_CODES, GROUPS, SERVICE_TYPES
from safepath.people.models import AgeBand, ChildStatus, Person, Sex
from safepath.referrals.models import PathwayTemplate
from safepath.screening.models import Screening
from safepath.screening.vulnerability import FACTOR_INDEX, FLAGS, NEED_CODES

TRIGGER_KEYS: Final = ("outcome", "population", "flags", "needs", "factors", "groups")
OUTCOMES: Final = ("possible_victim", "not_indicated")
POPULATIONS: Final = ("adult", "child")
FLAG_CODES: Final = tuple(code for code, _label in FLAGS)
FACTOR_CODES: Final = tuple(FACTOR_INDEX)
CHILD_BANDS: Final = (AgeBand.A0_4, AgeBand.A5_11, AgeBand.A12_17)

# Distance ranks, nearest first.
SAME_CITY, SAME_VOIVODESHIP, NATIONAL, ELSEWHERE = 0, 1, 2, 3


def allowed_values(key: str) -> tuple[str, ...]:
    """The values a trigger key may hold."""
    return {
        "outcome": OUTCOMES,
        "population": POPULATIONS,
        "flags": FLAG_CODES,
        "needs": NEED_CODES,
        "factors": FACTOR_CODES,
        "groups": tuple(sorted(GROUP_CODES)),
    }[key]


def person_groups(person: Person | None, factors: Iterable[str] = ()) -> set[str]:
    """The groups served that follow from what is recorded (never SOGI, never ethnicity)."""
    groups: set[str] = set()
    factor_set = set(factors)
    if person is not None:
        child = person.age_band in CHILD_BANDS or bool(person.child_status)
        if child:
            groups.add("children")
        if person.child_status == ChildStatus.UNACCOMPANIED:
            groups.add("unaccompanied_children")
        if not child and person.sex == Sex.FEMALE:
            groups.add("women")
        if not child and person.sex == Sex.MALE:
            groups.add("men")
        if person.age_band == AgeBand.A60:
            groups.add("elderly")
        if person.has_disability:
            groups.add("disabilities")
    if "unaccompanied_child" in factor_set:
        groups.update({"children", "unaccompanied_children"})
    if "child" in factor_set:
        groups.add("children")
    if "elderly" in factor_set:
        groups.add("elderly")
    if "disability" in factor_set:
        groups.add("disabilities")
    if "third_country_national" in factor_set:
        groups.add("third_country_nationals")
    return groups


def facts(*, screening: Screening | None = None, case: Case | None = None) -> dict[str, set[str]]:
    """What a trigger is matched against, from a screening and/or a case."""
    if screening is None and case is not None:
        screening = case.screening
    person = screening.person if screening is not None else None
    if person is None and case is not None:
        person = case.person
    found: dict[str, set[str]] = {key: set() for key in TRIGGER_KEYS}
    if screening is not None:
        result = screening.result if isinstance(screening.result, dict) else {}
        indicated = bool(result.get("trafficking_indicated"))
        found["outcome"].add("possible_victim" if indicated else "not_indicated")
        if result.get("population") in POPULATIONS:
            found["population"].add(str(result["population"]))
        found["flags"].update(str(code) for code in screening.flags or [])
        found["needs"].update(str(code) for code in screening.needs or [])
        found["factors"].update(str(code) for code in screening.factors or [])
    if person is not None:
        if person.child_status == ChildStatus.UNACCOMPANIED:
            found["factors"].add("unaccompanied_child")
        if person.child_status == ChildStatus.SEPARATED:
            found["factors"].add("separated_child")
        if person.child_status:
            found["flags"].add("child_protection_referral")
    found["groups"] = person_groups(person, found["factors"])
    return found


def matches(trigger: Any, found: dict[str, set[str]]) -> bool:
    """Whether a trigger applies: every key it lists has a value among the facts."""
    if not isinstance(trigger, dict) or not trigger:
        return False
    for key, values in trigger.items():
        if key not in TRIGGER_KEYS or not isinstance(values, list) or not values:
            return False
        if not set(map(str, values)) & found.get(key, set()):
            return False
    return True


def applicable(
    *, screening: Screening | None = None, case: Case | None = None
) -> list[PathwayTemplate]:
    """The active pathways whose trigger matches, in their order."""
    found = facts(screening=screening, case=case)
    return [p for p in PathwayTemplate.objects.filter(active=True) if matches(p.trigger, found)]


@dataclass(frozen=True)
class Proposal:
    """A proposed service and why it is where it is in the list."""

    service: Service
    distance: int
    speaks_language: bool
    serves_group: bool
    types: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.distance, not self.speaks_language, not self.serves_group, self.service.pk)


def _directory() -> Any:
    """Active services with what ranking reads, prefetched (a few queries in all)."""
    return Service.objects.filter(status=ServiceStatus.ACTIVE).prefetch_related(
        Prefetch(
            "attributes",
            queryset=Attribute.objects.select_related("taxonomy_term__taxonomy"),
        ),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses", "location__languages"
            ),
        ),
        "service_areas",
        "languages",
        "organization",
    )


def _codes(service: Service, taxonomy: str) -> set[str]:
    return {
        a.taxonomy_term.code
        for a in service.attributes.all()
        if a.taxonomy_term.taxonomy.code == taxonomy
    }


def distance(service: Service, *, voivodeship: str = "", city: str = "") -> int:
    locations = [sal.location for sal in service.service_at_locations.all()]
    city_key = city.strip().casefold()
    if city_key and any(
        address.city.strip().casefold() == city_key
        for location in locations
        for address in location.addresses.all()
    ):
        return SAME_CITY
    areas = list(service.service_areas.all())
    if voivodeship and (
        any(location.voivodeship == voivodeship for location in locations)
        or any(area.voivodeship == voivodeship for area in areas)
    ):
        return SAME_VOIVODESHIP
    if any(not area.voivodeship for area in areas):
        return NATIONAL
    return ELSEWHERE


def _languages(service: Service) -> set[str]:
    codes = {language.code for language in service.languages.all()}
    for sal in service.service_at_locations.all():
        codes.update(language.code for language in sal.location.languages.all())
    return {code for code in codes if code}


def rank(
    services: Iterable[Service],
    *,
    service_types: Iterable[str] = (),
    languages: Iterable[str] = (),
    groups: Iterable[str] = (),
    voivodeship: str = "",
    city: str = "",
) -> list[Proposal]:
    """The services of any of `service_types` (all when empty), nearest first."""
    wanted_types = set(service_types)
    wanted_languages = set(languages)
    wanted_groups = set(groups)
    proposals = []
    for service in services:
        types = _codes(service, SERVICE_TYPES)
        if wanted_types and not types & wanted_types:
            continue
        proposals.append(
            Proposal(
                service=service,
                distance=distance(service, voivodeship=voivodeship, city=city),
                speaks_language=bool(_languages(service) & wanted_languages),
                serves_group=bool(_codes(service, GROUPS) & wanted_groups),
                types=sorted(types),
            )
        )
    return sorted(proposals, key=lambda p: p.sort_key)


def propose(
    pathway: PathwayTemplate,
    *,
    person: Person | None,
    screening: Screening | None = None,
    voivodeship: str = "",
    city: str = "",
    limit: int = 10,
) -> list[Proposal]:
    """The directory services a pathway proposes for this person, nearest first."""
    factors = screening.factors if screening is not None else []
    groups = set(pathway.groups or []) | person_groups(person, factors or [])
    languages = list(person.languages or []) if person is not None else []
    if screening is not None and screening.interview_language:
        languages.append(screening.interview_language)
    return rank(
        _directory(),
        service_types=pathway.service_types or [],
        languages=languages,
        groups=groups,
        voivodeship=voivodeship,
        city=city,
    )[:limit]


def search(
    *, service_type: str = "", voivodeship: str = "", city: str = "", limit: int = 30
) -> list[Proposal]:
    """The directory search of the new-referral page (no person data involved)."""
    return rank(
        _directory(),
        service_types=[service_type] if service_type else [],
        voivodeship=voivodeship,
        city=city,
    )[:limit]


def origin(
    *, actor: User, person: Person | None, screening: Screening | None = None
) -> tuple[str, str]:
    """Where "nearest" is measured from: (voivodeship, city). safepath records no city
    for a person, so the city is what the caseworker types in the search."""
    if screening is not None and screening.voivodeship:
        return screening.voivodeship, ""
    if person is not None and person.voivodeship:
        return person.voivodeship, ""
    team = actor.team
    return (team.voivodeship if team is not None else "") or "", ""
