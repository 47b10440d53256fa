"""The screening as an XLSForm, for offline collection in KoboToolbox and ODK.

`build_form()` returns the three sheets (`survey`, `choices`, `settings`) as rows; the
`safepath screening xlsform` command writes them to an .xlsx file. Nothing here writes
files, so the rows can be tested and reused (the import of submissions maps the same
field names back, see docs/screening.md, "Offline: XLSForm for KoboToolbox and ODK").

Field names are stable: the import reads submissions by them, so a name never changes
meaning. An indicator's field is its code with `-` replaced by `_` (`AL-DR-01` ->
`AL_DR_01`, `indicator_field` / `indicator_code`); its answer is `yes`, `no` or
`dont_know`, and only `yes` counts as observed.

Every text is given in the four languages of safepath, as the columns
`label::English (en)`, `label::Polski (pl)`, `label::Українська (uk)` and
`label::Русский (ru)` (and `hint::...`, `constraint_message::...`), which is the form
KoboToolbox and ODK both read. Indicator questions and labels come from the catalogue
(`Indicator.question`, `Indicator.label`); the other texts are gettext strings, rendered
in each language with `translation.override`.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Final

from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy

from safepath.core.geography import VOIVODESHIP_CODES, voivodeship_name
from safepath.people.models import SPOKEN_LANGUAGES, AgeBand, ConsentMethod, Sex
from safepath.screening.explanations import dimension_name
from safepath.screening.indicators.catalogue import DIMENSIONS, Catalogue, Indicator
from safepath.screening.indicators.rules import RULE_VERSION
from safepath.screening.models import SiteType
from safepath.screening.vulnerability import FACTORS, NEEDS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

FORM_ID: Final = "safepath_screening"
FORM_TITLE: Final = "safepath screening"
# Raise it whenever the form changes without a catalogue or rule version changing.
FORM_REVISION: Final = 1

# (language code, the name XLSForm columns carry: "Name (code)").
LANGUAGES: Final = (
    ("en", "English (en)"),
    ("pl", "Polski (pl)"),
    ("uk", "Українська (uk)"),
    ("ru", "Русский (ru)"),
)
DEFAULT_LANGUAGE: Final = "English (en)"

SURVEY_COLUMNS: Final = (
    "type",
    "name",
    *(f"label::{name}" for _code, name in LANGUAGES),
    *(f"hint::{name}" for _code, name in LANGUAGES),
    "required",
    "relevant",
    "constraint",
    *(f"constraint_message::{name}" for _code, name in LANGUAGES),
    "calculation",
    "appearance",
)
CHOICES_COLUMNS: Final = ("list_name", "name", *(f"label::{name}" for _code, name in LANGUAGES))
SETTINGS_COLUMNS: Final = ("form_title", "form_id", "version", "default_language", "style")

# Field names the import maps back (docs/screening.md).
CONSENT: Final = "consent"
CONSENT_METHOD: Final = "consent_method"
IDENTIFYING_FIELDS: Final = ("given_name", "family_name", "phone", "date_of_birth")
AGE_KNOWN: Final = "age_known"
AGE: Final = "age"
AGE_BAND: Final = "age_band"
ACT: Final = "act"
FACTORS_FIELD: Final = "factors"
NEEDS_FIELD: Final = "needs"
YES: Final = "yes"
NO: Final = "no"
DONT_KNOW: Final = "dont_know"

ADULT_AGE: Final = 18
CHILD_BANDS: Final = (AgeBand.A0_4.value, AgeBand.A5_11.value, AgeBand.A12_17.value)
ADULT_BANDS: Final = (AgeBand.A18_59.value, AgeBand.A60.value)

CONSENTED: Final = f"${{{CONSENT}}} = '{YES}'"


def _bands(bands: Iterable[str]) -> str:
    return " or ".join(f"${{{AGE_BAND}}} = '{band}'" for band in bands)


# The paths: adult (age 18 or over) and child (under 18), from the age or the age band.
ADULT: Final = (
    f"(${{{AGE_KNOWN}}} = '{YES}' and ${{{AGE}}} >= {ADULT_AGE}) or "
    f"(${{{AGE_KNOWN}}} = '{NO}' and ({_bands(ADULT_BANDS)}))"
)
CHILD: Final = (
    f"(${{{AGE_KNOWN}}} = '{YES}' and ${{{AGE}}} < {ADULT_AGE}) or "
    f"(${{{AGE_KNOWN}}} = '{NO}' and ({_bands(CHILD_BANDS)}))"
)
PATHS: Final = {"adult": ADULT, "child": CHILD}

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class XLSForm:
    """The rows of the three sheets, each row a mapping from column to cell text."""

    survey: list[Row]
    choices: list[Row]
    settings: list[Row]

    def sheets(self) -> dict[str, tuple[tuple[str, ...], list[list[str]]]]:
        """Sheet name -> (header, rows as lists in header order). Columns no row uses are
        left out."""
        result: dict[str, tuple[tuple[str, ...], list[list[str]]]] = {}
        for name, columns, rows in (
            ("survey", SURVEY_COLUMNS, self.survey),
            ("choices", CHOICES_COLUMNS, self.choices),
            ("settings", SETTINGS_COLUMNS, self.settings),
        ):
            used = tuple(column for column in columns if any(row.get(column) for row in rows))
            result[name] = (used, [[row.get(column, "") for column in used] for row in rows])
        return result


class FormError(ValueError):
    """The catalogues asked for do not make a form."""


def indicator_field(code: str) -> str:
    """The form field of an indicator code: `AL-DR-01` -> `AL_DR_01`."""
    return code.replace("-", "_")


def indicator_code(field: str) -> str:
    """The indicator code of a form field: `AL_DR_01` -> `AL-DR-01`. Catalogue codes
    have no `_`, so the mapping is exact both ways."""
    return field.replace("_", "-")


def dimension_group(catalogue: str, dimension: str) -> str:
    """The group of one dimension of a catalogue: `AL_DR`."""
    return f"{catalogue}_{dimension}"


def form_version(catalogues: Sequence[Catalogue], *, revision: int = FORM_REVISION) -> str:
    """For example `AL-2009-09_CL-2009-09_ilo-ec-2009-1_r1`: the catalogue versions, the
    rule version and the form revision, so that any change makes a new version."""
    parts = [f"{catalogue.code}-{catalogue.version}" for catalogue in catalogues]
    return "_".join([*parts, RULE_VERSION.replace("/", "-"), f"r{revision}"])


def _in(language: str, text: "str | StrPromise") -> str:
    with translation.override(language):
        return str(text)


def _each(kind: str, text_in: Callable[[str], str]) -> Row:
    """One column per language: `{kind}::English (en)` and so on."""
    return {f"{kind}::{name}": text_in(code) for code, name in LANGUAGES}


def _texts(kind: str, text: "str | StrPromise") -> Row:
    return _each(kind, lambda language: _in(language, text))


def _row(
    type_: str,
    name: str,
    label: "StrPromise | None" = None,
    *,
    hint: "StrPromise | None" = None,
    **columns: str,
) -> Row:
    row = {"type": type_, "name": name}
    if label is not None:
        row.update(_texts("label", label))
    if hint is not None:
        row.update(_texts("hint", hint))
    row.update(columns)
    return row


def _choice_rows(list_name: str, pairs: Iterable[tuple[str, "str | StrPromise"]]) -> list[Row]:
    return [
        {"list_name": list_name, "name": code, **_texts("label", label)} for code, label in pairs
    ]


def _populations(catalogues: Sequence[Catalogue]) -> dict[str, Catalogue]:
    by_population: dict[str, Catalogue] = {}
    for catalogue in catalogues:
        if catalogue.population in by_population:
            raise FormError(
                f"catalogues {by_population[catalogue.population].code} and {catalogue.code} "
                f"are both for the {catalogue.population} population: a form takes one of each"
            )
        by_population[catalogue.population] = catalogue
    if not by_population:
        raise FormError("a form needs at least one catalogue")
    return by_population


def _age_rows(populations: Iterable[str]) -> list[Row]:
    """The age or the age band; with one catalogue only, limited to its population."""
    only = list(populations)
    age_constraint = ". >= 0 and . <= 120"
    age_message = _lazy("Enter an age from 0 to 120.")
    band_constraint = ""
    band_message: StrPromise | None = None
    if only == ["adult"]:
        age_constraint += f" and . >= {ADULT_AGE}"
        band_constraint = " or ".join(f". = '{band}'" for band in ADULT_BANDS)
        age_message = band_message = _lazy("This form is for adults (18 or over).")
    elif only == ["child"]:
        age_constraint += f" and . < {ADULT_AGE}"
        band_constraint = " or ".join(f". = '{band}'" for band in CHILD_BANDS)
        age_message = band_message = _lazy("This form is for children (under 18).")
    age = _row(
        "integer",
        AGE,
        _lazy("Age in years"),
        hint=_lazy("An estimate is enough."),
        required="yes",
        relevant=f"${{{AGE_KNOWN}}} = '{YES}'",
        constraint=age_constraint,
    )
    age.update(_texts("constraint_message", age_message))
    band = _row(
        "select_one age_band",
        AGE_BAND,
        _lazy("Age band"),
        hint=_lazy(
            "If the person may be under 18, choose 12–17: a person who may be a child is "
            "screened as a child."
        ),
        required="yes",
        relevant=f"${{{AGE_KNOWN}}} = '{NO}'",
    )
    if band_constraint:
        band["constraint"] = band_constraint
        if band_message is not None:
            band.update(_texts("constraint_message", band_message))
    return [
        _row(
            "select_one yes_no",
            AGE_KNOWN,
            _lazy("Do you know the person's age in years, or can you estimate it?"),
            required="yes",
        ),
        age,
        band,
    ]


def _calculated(by_population: dict[str, Catalogue]) -> list[Row]:
    """The path taken and its catalogue, for the import: `population`, `catalogue`,
    `catalogue_version` (empty until the age is answered)."""

    def chain(value_of: Callable[[Catalogue], str]) -> str:
        expression = "''"
        for population, catalogue in reversed(by_population.items()):
            expression = f"if({PATHS[population]}, '{value_of(catalogue)}', {expression})"
        return expression

    return [
        _row("calculate", "population", calculation=chain(lambda c: c.population)),
        _row("calculate", "catalogue", calculation=chain(lambda c: c.code)),
        _row("calculate", "catalogue_version", calculation=chain(lambda c: c.version)),
    ]


def _indicator_rows(catalogue: Catalogue) -> list[Row]:
    relevant = PATHS[catalogue.population]
    rows: list[Row] = []
    for dimension in DIMENSIONS:
        indicators = [i for i in catalogue.indicators.values() if i.dimension == dimension]
        if not indicators:
            continue
        group = dimension_group(catalogue.code, dimension)
        rows.append(
            {
                "type": "begin_group",
                "name": group,
                **_each("label", partial(_dimension, dimension=dimension)),
                "relevant": relevant,
                "appearance": "field-list",
            }
        )
        for indicator in indicators:
            rows.append(
                {
                    "type": "select_one yes_no_dont_know",
                    "name": indicator_field(indicator.code),
                    **_each("label", indicator.question),
                    **_each("hint", partial(_indicator_hint, indicator=indicator)),
                }
            )
        rows.append({"type": "end_group", "name": group})
    if catalogue.population == "child":
        rows.append(
            _row(
                "select_one yes_no_dont_know",
                ACT,
                _lazy(
                    "Was the child recruited, transported, transferred, harboured or "
                    "received by someone?"
                ),
                hint=_lazy(
                    "This is the act. For a child, an act and exploitation are enough: "
                    "deception or coercion is not required."
                ),
                relevant=relevant,
            )
        )
    return rows


def _indicator_hint(language: str, indicator: Indicator) -> str:
    """The catalogue label, one look away from the question, and the code."""
    return f"{indicator.label(language)} ({indicator.code})"


def _dimension(language: str, dimension: str) -> str:
    with translation.override(language):
        return dimension_name(dimension)


def survey_rows(catalogues: Sequence[Catalogue]) -> list[Row]:
    by_population = _populations(catalogues)
    rows: list[Row] = [
        # Consent first: nothing identifying is asked without it.
        _row(
            "note",
            "consent_info",
            _lazy(
                "Read this to the person in the interview language: We ask these questions "
                "to find out how we can help you. Answering is voluntary. You can skip a "
                "question or stop at any time, and our help does not depend on your "
                "answers. We write down your name and contact details only if you agree, "
                "and we keep them protected."
            ),
        ),
        _row(
            "select_one yes_no",
            CONSENT,
            _lazy("Does the person agree that their name and contact details are recorded?"),
            hint=_lazy(
                "Without consent the screening stays anonymous: no name, phone or date of "
                "birth is recorded."
            ),
            required="yes",
        ),
        _row(
            "select_one consent_method",
            CONSENT_METHOD,
            _lazy("How was consent given?"),
            required="yes",
            relevant=CONSENTED,
        ),
        _row(
            "begin_group",
            "person",
            _lazy("Identity"),
            relevant=CONSENTED,
            appearance="field-list",
        ),
        _row("text", "given_name", _lazy("Given name"), relevant=CONSENTED),
        _row("text", "family_name", _lazy("Family name"), relevant=CONSENTED),
        _row("text", "phone", _lazy("Phone"), relevant=CONSENTED),
        _row(
            "date",
            "date_of_birth",
            _lazy("Date of birth"),
            relevant=CONSENTED,
            constraint=". <= today()",
        ),
        _row("select_one sex", "sex", _lazy("Sex"), relevant=CONSENTED),
        {"type": "end_group", "name": "person"},
        _row("begin_group", "site", _lazy("Where"), appearance="field-list"),
        _row("select_one voivodeship", "voivodeship", _lazy("Voivodeship")),
        _row("select_one site_type", "site_type", _lazy("Site type"), required="yes"),
        _row(
            "select_one interview_language",
            "interview_language",
            _lazy("Interview language"),
        ),
        {"type": "end_group", "name": "site"},
        *_age_rows(by_population),
        *_calculated(by_population),
    ]
    for catalogue in by_population.values():
        rows.extend(_indicator_rows(catalogue))
    rows.extend(
        [
            _row(
                "begin_group",
                "vulnerability",
                _lazy("Vulnerability and needs"),
                appearance="field-list",
            ),
            _row(
                "select_multiple factor",
                FACTORS_FIELD,
                _lazy("Vulnerability factors"),
                hint=_lazy("Choose every factor that applies, risk and protective."),
            ),
            _row(
                "select_multiple need",
                NEEDS_FIELD,
                _lazy("Immediate needs"),
                hint=_lazy("Choose every need the person has now."),
            ),
            {"type": "end_group", "name": "vulnerability"},
            # Form metadata: when the interview started and ended, and its date.
            {"type": "start", "name": "start"},
            {"type": "end", "name": "end"},
            {"type": "today", "name": "today"},
        ]
    )
    return rows


def choice_rows() -> list[Row]:
    rows = [
        *_choice_rows("yes_no", [(YES, _lazy("Yes")), (NO, _lazy("No"))]),
        *_choice_rows(
            "yes_no_dont_know",
            [(YES, _lazy("Yes")), (NO, _lazy("No")), (DONT_KNOW, _lazy("Don't know"))],
        ),
        *_choice_rows("consent_method", ConsentMethod.choices),
        *_choice_rows("sex", Sex.choices),
        *_choice_rows("site_type", SiteType.choices),
        *_choice_rows("interview_language", SPOKEN_LANGUAGES),
        *_choice_rows(
            "age_band", [(band, AgeBand(band).label) for band in (*CHILD_BANDS, *ADULT_BANDS)]
        ),
        *_choice_rows("factor", [(factor.code, factor.label) for factor in FACTORS]),
        *_choice_rows("need", NEEDS),
    ]
    rows.extend(
        {
            "list_name": "voivodeship",
            "name": code,
            **_each("label", partial(_voivodeship, code=code)),
        }
        for code in VOIVODESHIP_CODES
    )
    return rows


def _voivodeship(language: str, code: str) -> str:
    with translation.override(language):
        return voivodeship_name(code)


def settings_rows(catalogues: Sequence[Catalogue]) -> list[Row]:
    return [
        {
            "form_title": FORM_TITLE,
            "form_id": FORM_ID,
            "version": form_version(catalogues),
            "default_language": DEFAULT_LANGUAGE,
            "style": "pages",
        }
    ]


def build_form(catalogues: Sequence[Catalogue]) -> XLSForm:
    """The screening form for these catalogues: at most one per population (adult,
    child); with both, the path is chosen in the form by age. Raises `FormError`."""
    ordered = sorted(catalogues, key=lambda catalogue: catalogue.population)
    return XLSForm(
        survey=survey_rows(ordered),
        choices=choice_rows(),
        settings=settings_rows(ordered),
    )
