"""The consent text read to a person before a screening, in the interview language.

Its version is recorded with every consent given through it (`Consent.text_version`):
a change of wording is a new version.
"""

from typing import Final

from django.utils import translation
from django.utils.translation import gettext as _

TEXT_VERSION: Final = "screening-consent/1"
# The interview languages: the four the questions and this text exist in, by their own
# names, since the person chooses by them.
INTERVIEW_LANGUAGES: Final = (
    ("uk", "Українська"),
    ("pl", "Polski"),
    ("ru", "Русский"),
    ("en", "English"),
)


def consent_paragraphs(language: str) -> list[str]:
    with translation.override(language):
        return [
            _(
                "We work to protect people on the move from exploitation and human "
                "trafficking. I would like to ask you some questions about your journey, "
                "your work and your situation, so that we can see what help you need."
            ),
            _(
                "If you agree, your answers are recorded with your name in a protected "
                "system. Only the people who help you can see them. Nothing is passed to "
                "anyone else, the police included, without asking you first, unless a "
                "child is in danger."
            ),
            _(
                "You can say no, skip any question or stop at any time, and you can "
                "withdraw your consent later. You will get help whatever you decide."
            ),
            _("Do you agree that we record your answers with your name?"),
        ]


def act_question(language: str) -> str:
    """The child path's question for the act (recruitment, transport, transfer,
    harbouring or receipt), read to the child."""
    with translation.override(language):
        return _(
            "Did someone recruit you, bring you here, move you from place to place, or "
            "give you a place to stay?"
        )
