"""What a referral may share, and how each field is read from the person, the case and
the screening (issue 5 §4).

A referral carries only what the caseworker chose, from this list: `code` always;
fields that say what a service needs to know to answer (sex, age band, languages,
needs, ...); and identity fields (names, date of birth, phone, ...) that leave only
with a valid consent of the person or an approved legal ground
(`safepath.referrals.services`). "Minimal by default": the fields proposed are the
code and what the service's types need (`NEEDED_BY_SERVICE_TYPE`), never identity.

When the referral is sent, `snapshot` reads the chosen fields' values once; the
referral keeps them (encrypted, `Referral.shared`), and the recipient only ever reads
that snapshot (`render`), never the person. Values are kept as codes where there are
codes, so each reader sees the labels in their own language.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import User
from safepath.cases.models import Case
from safepath.core.geography import country_name
from safepath.people.models import (
    SPOKEN_LANGUAGES,
    AgeBand,
    ChildStatus,
    Person,
    ProtectionStatus,
    Sex,
)
from safepath.people.selectors import can_see_identity
from safepath.screening.models import Screening
from safepath.screening.vulnerability import NEEDS, PRIORITY_LEVELS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

    from safepath.directory.models import Service

SNAPSHOT_VERSION: Final = 1
ALWAYS: Final = ("code",)
INDICATED: Final = "indicated"
NOT_INDICATED: Final = "not_indicated"


@dataclass(frozen=True, slots=True)
class Sources:
    """Where values are read from: the person, and the case and screening if any."""

    person: Person
    case: Case | None
    screening: Screening | None

    @property
    def any_screening(self) -> Screening | None:
        """The screening given, else the case's (a referral from a case of a screened
        person shares that screening's needs and outcome)."""
        if self.screening is not None:
            return self.screening
        return self.case.screening if self.case is not None else None


@dataclass(frozen=True, slots=True)
class FieldChoice:
    """A field the caseworker may tick. `identity`: needs consent or a legal ground;
    `default`: proposed ticked (minimal: the code and what the service needs)."""

    name: str
    label: str
    identity: bool
    default: bool


@dataclass(frozen=True, slots=True)
class SharedField:
    """One field as shared, in the reader's language. `value` is empty when nothing was
    recorded; `hidden` when the reader may not see it (then `value` is empty too)."""

    name: str
    label: str
    value: str
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    label: "StrPromise"
    identity: bool
    # None: the source is missing (no screening, no case), so the field is not offered.
    available: Callable[[Sources], bool]
    read: Callable[[Sources], Any]
    show: Callable[[Any], str]


def _always(_sources: Sources) -> bool:
    return True


def _has_screening(sources: Sources) -> bool:
    return sources.any_screening is not None


def _has_case(sources: Sources) -> bool:
    return sources.case is not None


def _text(value: Any) -> str:
    return "" if value in (None, "") else str(value)


def _choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    labels = dict(choices)

    def show(value: Any) -> str:
        if value in (None, ""):
            return ""
        return str(labels.get(value, value))

    return show


def _choices(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    one = _choice(choices)

    def show(value: Any) -> str:
        return ", ".join(one(code) for code in value or [])

    return show


def _outcome(value: Any) -> str:
    if value == INDICATED:
        return _("Trafficking indicated (possible victim)")
    if value == NOT_INDICATED:
        return _("Trafficking not indicated")
    return ""


def _screening_outcome(sources: Sources) -> str:
    screening = sources.any_screening
    if screening is None:
        return ""
    return INDICATED if screening.result.get("trafficking_indicated") else NOT_INDICATED


def _needs(sources: Sources) -> list[str]:
    screening = sources.any_screening
    return list(screening.needs) if screening is not None else []


def _date(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _disability(person: Person) -> str:
    flag = person.has_disability
    return "" if flag is None else ("yes" if flag else "no")


def _yes_no(value: Any) -> str:
    if value == "yes":
        return _("Yes")
    if value == "no":
        return _("No")
    return ""


_SPECS: Final[tuple[_Spec, ...]] = (
    _Spec("code", _lazy("Code"), False, _always, lambda s: s.person.code, _text),
    _Spec("sex", _lazy("Sex"), False, _always, lambda s: s.person.sex, _choice(Sex.choices)),
    _Spec(
        "age_band",
        _lazy("Age band"),
        False,
        _always,
        lambda s: s.person.age_band,
        _choice(AgeBand.choices),
    ),
    _Spec(
        "languages",
        _lazy("Languages"),
        False,
        _always,
        lambda s: list(s.person.languages or []),
        _choices(SPOKEN_LANGUAGES),
    ),
    _Spec(
        "nationality",
        _lazy("Nationality"),
        False,
        _always,
        lambda s: s.person.nationality,
        lambda v: country_name(v) if v else "",
    ),
    _Spec(
        "protection_status",
        _lazy("Protection status"),
        False,
        _always,
        lambda s: s.person.protection_status,
        _choice(ProtectionStatus.choices),
    ),
    _Spec(
        "child_status",
        _lazy("Unaccompanied or separated child"),
        False,
        _always,
        lambda s: s.person.child_status,
        _choice(ChildStatus.choices),
    ),
    _Spec(
        "disability",
        _lazy("Disability (Washington Group)"),
        False,
        _always,
        lambda s: _disability(s.person),
        _yes_no,
    ),
    _Spec("needs", _lazy("Immediate needs"), False, _has_screening, _needs, _choices(NEEDS)),
    _Spec(
        "priority",
        _lazy("Priority"),
        False,
        _has_screening,
        lambda s: s.any_screening.priority if s.any_screening else "",
        _choice(PRIORITY_LEVELS),
    ),
    _Spec(
        "screening_outcome",
        _lazy("Screening outcome"),
        False,
        _has_screening,
        _screening_outcome,
        _outcome,
    ),
    # Identity: consent or an approved legal ground.
    _Spec(
        "year_of_birth",
        _lazy("Year of birth"),
        True,
        _always,
        lambda s: s.person.date_of_birth.year if s.person.date_of_birth else None,
        _text,
    ),
    _Spec("given_name", _lazy("Given name"), True, _always, lambda s: s.person.given_name, _text),
    _Spec(
        "family_name", _lazy("Family name"), True, _always, lambda s: s.person.family_name, _text
    ),
    _Spec(
        "date_of_birth",
        _lazy("Date of birth"),
        True,
        _always,
        lambda s: _date(s.person.date_of_birth),
        _text,
    ),
    _Spec("phone", _lazy("Phone"), True, _always, lambda s: s.person.phone, _text),
    _Spec(
        "document_number",
        _lazy("Document number"),
        True,
        _always,
        lambda s: s.person.document_number,
        _text,
    ),
    _Spec("address", _lazy("Address"), True, _always, lambda s: s.person.address, _text),
    _Spec(
        "safety_concerns",
        _lazy("Safety concerns"),
        True,
        _has_case,
        lambda s: s.case.safety_concerns if s.case else "",
        _text,
    ),
)
SPECS: Final = {spec.name: spec for spec in _SPECS}
FIELD_NAMES: Final = tuple(SPECS)
IDENTITY_FIELDS: Final = frozenset(spec.name for spec in _SPECS if spec.identity)

# What a service of each type needs to answer a referral (service-type taxonomy codes,
# `safepath.directory.taxonomies`). Never identity: that is the caseworker's choice.
BASE_FIELDS: Final = ("code", "age_band", "languages")
NEEDED_BY_SERVICE_TYPE: Final[dict[str, tuple[str, ...]]] = {
    "trafficking_assistance": ("sex", "nationality", "needs", "screening_outcome"),
    "shelter": ("sex", "child_status", "disability", "needs"),
    "emergency_accommodation": ("sex", "child_status", "disability", "needs"),
    "legal_aid": ("nationality", "protection_status"),
    "medical_care": ("sex", "disability", "needs", "priority"),
    "mhpss": ("sex", "needs"),
    "child_protection": ("sex", "child_status", "needs"),
    "gbv_services": ("sex", "needs"),
    "interpretation": (),
    "employment_support": ("nationality", "protection_status"),
    "hotline": (),
    "material_assistance": ("needs",),
    "education": ("child_status",),
}


def unknown_fields(names: Iterable[str]) -> list[str]:
    return sorted({name for name in names if name not in SPECS})


def needs_consent(names: Iterable[str]) -> bool:
    """Whether any of the fields is an identity field."""
    return any(name in IDENTITY_FIELDS for name in names)


def _service_types(service: "Service | None") -> list[str]:
    if service is None:
        return []
    from safepath.directory.taxonomies import SERVICE_TYPES

    return [
        attribute.taxonomy_term.code
        for attribute in service.attributes.select_related("taxonomy_term__taxonomy")
        if attribute.taxonomy_term.taxonomy.code == SERVICE_TYPES
    ]


def default_fields(service: "Service | None" = None) -> list[str]:
    """The minimal set: the code, the age band and languages (every service must know
    whether it can serve and talk to the person), and what the service's types need."""
    wanted = set(BASE_FIELDS)
    for code in _service_types(service):
        wanted.update(NEEDED_BY_SERVICE_TYPE.get(code, ()))
    return [name for name in FIELD_NAMES if name in wanted]


def shareable_fields(
    person: Person,
    *,
    case: Case | None = None,
    screening: Screening | None = None,
    service: "Service | None" = None,
) -> list[FieldChoice]:
    """The fields that may be shared about `person` (those whose source exists: the
    needs only with a screening, safety concerns only with a case), in a fixed order."""
    sources = Sources(person, case, screening)
    defaults = set(default_fields(service))
    return [
        FieldChoice(spec.name, str(spec.label), spec.identity, spec.name in defaults)
        for spec in _SPECS
        if spec.available(sources)
    ]


def unavailable_fields(names: Iterable[str], sources: Sources) -> list[str]:
    """Known fields whose source is missing (needs without a screening, ...)."""
    return sorted({n for n in names if n in SPECS and not SPECS[n].available(sources)})


def ordered(names: Iterable[str]) -> list[str]:
    """The field names, each once, the code first, in the list's order."""
    wanted = set(names) | set(ALWAYS)
    return [name for name in FIELD_NAMES if name in wanted]


def snapshot(sources: Sources, names: Sequence[str]) -> dict[str, Any]:
    """The values of exactly `names` (plus the code), as they are now."""
    return {name: SPECS[name].read(sources) for name in ordered(names)}


def encode(values: dict[str, Any]) -> str:
    return json.dumps({"version": SNAPSHOT_VERSION, "fields": values}, ensure_ascii=False)


def decode(text: str) -> dict[str, Any]:
    if not text:
        return {}
    data = json.loads(text)
    fields = data.get("fields", {}) if isinstance(data, dict) else {}
    return fields if isinstance(fields, dict) else {}


def render(values: dict[str, Any], *, show_identity: bool = True) -> list[SharedField]:
    """The fields as a reader sees them, in the active language. Without
    `show_identity`, identity fields are listed by name with their values hidden."""
    shown = []
    for name, value in values.items():
        spec = SPECS.get(name)
        if spec is None:  # a field dropped from the list since: show it raw
            shown.append(SharedField(name, name, _text(value)))
        elif spec.identity and not show_identity:
            shown.append(SharedField(name, str(spec.label), "", hidden=True))
        else:
            shown.append(SharedField(name, str(spec.label), spec.show(value)))
    return shown


def preview(
    *,
    actor: User,
    person: Person,
    case: Case | None = None,
    screening: Screening | None = None,
    share: list[str],
) -> list[SharedField]:
    """Exactly what a referral with these fields would send now (unknown fields and
    fields without a source are left out; the service refuses them when sending)."""
    sources = Sources(person, case, screening)
    names = [n for n in ordered(share) if n in SPECS and SPECS[n].available(sources)]
    return render(snapshot(sources, names), show_identity=can_see_identity(actor, person))
