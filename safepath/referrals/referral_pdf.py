"""A referral form as a PDF, for a recipient outside safepath (issue 5 §4), in the
recipient's language (en, pl, uk or ru), made with WeasyPrint (`safepath.core.pdf`:
the bundled font, nothing else fetched).

It holds what the referral carries and nothing more: the shared fields as they were
snapshotted when it was sent (`selectors.shared_view`), the purpose, the urgency and
the date an answer is asked for, who sends it and how to answer. The wording is
gettext's, rendered under `translation.override(language)`, like the labels of the
shared fields. Every download is audited (`referral.pdf_downloaded`: ids and the
language only)."""

from typing import Final

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from safepath.accounts.models import User
from safepath.audit import events as audit
from safepath.core.downloads import private_download
from safepath.core.pdf import font_url, html_to_pdf
from safepath.referrals import selectors
from safepath.referrals.models import Referral

TEMPLATE: Final = "referrals/referral_pdf.html"
LANGUAGES: Final = tuple(code for code, _name in settings.LANGUAGES)


def language_of(referral: Referral) -> str:
    """The recipient's language, or English when none (or an unknown one) was given."""
    language = (referral.recipient_language or "")[:2]
    return language if language in LANGUAGES else "en"


def render_html(referral: Referral, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            TEMPLATE,
            {
                "referral": referral,
                "language": language,
                "font_url": font_url(),
                "shared": selectors.shared_view(referral),
                "sender": referral.organisation,
                "author": referral.created_by,
                "generated": timezone.localtime(),
            },
        )


def render(referral: Referral, language: str | None = None) -> bytes:
    return html_to_pdf(render_html(referral, language or language_of(referral)))


def attachment(referral: Referral, *, actor: User) -> HttpResponse:
    """The PDF as a download no cache keeps; the file name holds the referral's id only."""
    language = language_of(referral)
    pdf = render(referral, language)
    audit.record(
        actor=actor,
        action="referral.pdf_downloaded",
        object_type="referral",
        object_id=str(referral.public_id),
        detail={"language": language, "via": "web"},
    )
    return private_download(
        pdf,
        content_type="application/pdf",
        filename=f"referral-{referral.public_id}-{language}.pdf",
    )
