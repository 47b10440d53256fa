"""The plain-language explanation of an assessment, in the active language.

The engine (`indicators/`) returns structure; the words live here, in the project's
gettext catalogues, so that they are translated like every other string (docs/i18n.md).

The explanation never over-claims. When the rule is met it says "possible victim of
trafficking": indicators are present, nobody has verified them, and only an authorised
body identifies a victim. When it is not met it says which elements of the definition
are present and which are missing, and that this does not rule trafficking out.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepath.screening.indicators.catalogue import DIMENSIONS
from safepath.screening.indicators.rules import (
    ACT,
    CONTROL_AT_DESTINATION,
    EXPLOITATION,
    MEANS,
    Assessment,
    DimensionResult,
    as_record,
)


def dimension_name(dimension: str) -> str:
    names = {
        "DR": _("Deceptive recruitment"),
        "CR": _("Coercive recruitment"),
        "AV": _("Recruitment by abuse of vulnerability"),
        "EX": _("Exploitation"),
        "CD": _("Coercion at destination"),
        "VD": _("Abuse of vulnerability at destination"),
    }
    return names[dimension]


def element_name(element: str) -> str:
    names = {
        MEANS: _("means (deception, coercion or abuse of vulnerability in recruitment)"),
        EXPLOITATION: _("exploitation"),
        CONTROL_AT_DESTINATION: _(
            "control at destination (coercion or abuse of vulnerability at destination)"
        ),
        ACT: _("an act (recruitment, transport, transfer, harbouring or receipt)"),
    }
    return names[element]


def _elements(elements: tuple[str, ...]) -> str:
    # A semicolon, not a comma: the element names carry commas of their own.
    return "; ".join(element_name(element) for element in elements)


def _dimension_line(dimension: str, result: DimensionResult) -> str:
    count = len(result.indicators)
    values = {
        "dimension": dimension_name(dimension),
        "count": count,
        "strong": result.strong,
        "medium": result.medium,
        "weak": result.weak,
    }
    if result.positive:
        return (
            ngettext(
                "%(dimension)s: positive, %(count)d indicator "
                "(strong: %(strong)d, medium: %(medium)d, weak: %(weak)d).",
                "%(dimension)s: positive, %(count)d indicators "
                "(strong: %(strong)d, medium: %(medium)d, weak: %(weak)d).",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(dimension)s: not positive, %(count)d indicator "
            "(strong: %(strong)d, medium: %(medium)d, weak: %(weak)d).",
            "%(dimension)s: not positive, %(count)d indicators "
            "(strong: %(strong)d, medium: %(medium)d, weak: %(weak)d).",
            count,
        )
        % values
    )


def _outcome(assessment: Assessment) -> list[str]:
    if assessment.trafficking_indicated:
        lines = [
            _(
                "Possible victim of trafficking: indicators are present, nobody has verified "
                "them. Only an authorised body (the police, the Border Guard, a prosecutor, a "
                "court or the national referral mechanism) identifies a victim."
            )
        ]
    else:
        lines = [
            _(
                "The indicators recorded do not meet the rule for a possible victim of "
                "trafficking. This does not rule trafficking out: screen again if more "
                "becomes known."
            )
        ]
    if assessment.population == "child":
        lines.append(
            _(
                "For a child, exploitation and an act are enough: the means are not "
                "required. Positive means or control at destination add weight."
            )
        )
    if assessment.present:
        lines.append(_("Present: %(elements)s.") % {"elements": _elements(assessment.present)})
    else:
        lines.append(_("No element of the definition is present."))
    if assessment.missing:
        lines.append(_("Missing: %(elements)s.") % {"elements": _elements(assessment.missing)})
    return lines


def explain(assessment: Assessment, *, language: str | None = None) -> str:
    """The explanation as lines of text, in `language` or else the active language."""
    if language is not None:
        with translation.override(language):
            return explain(assessment)
    lines = _outcome(assessment)
    observed = [
        _dimension_line(dimension, assessment.dimensions[dimension])
        for dimension in DIMENSIONS
        if assessment.dimensions[dimension].indicators
    ]
    lines.extend(observed or [_("No indicators were recorded.")])
    values = {
        "catalogue": assessment.catalogue,
        "catalogue_version": assessment.catalogue_version,
        "rule_version": assessment.rule_version,
    }
    if assessment.population == "child":
        footer = _(
            "Assessed as a child, with catalogue %(catalogue)s version %(catalogue_version)s "
            "and rule %(rule_version)s."
        )
    else:
        footer = _(
            "Assessed as an adult, with catalogue %(catalogue)s version %(catalogue_version)s "
            "and rule %(rule_version)s."
        )
    lines.append(footer % values)
    return "\n".join(lines)


def assessment_json(assessment: Assessment, *, language: str | None = None) -> dict[str, object]:
    """The assessment as `safepath assess --format json` prints it, and as the API embeds
    it under `"assessment"`: one shape for both doors."""
    return {**as_record(assessment), "explanation": explain(assessment, language=language)}
