"""One case's summary as a PDF: a working document for the caseworker's file.

Unlike the report to law enforcement, its fixed wording is the interface's (gettext, in
the four languages), rendered in the export's language. The font and the fetcher that
refuses everything else are `safepath.core.pdf`'s.

The person's name and date of birth are put into the context only when the export has
identity (and the user still may see this person's); otherwise those values never
reach the template. The plan, tasks and approvals are passed as rows, and the template
writes their free text (goals, actions, task titles, comments) only with identity,
exactly as the case page hides it from roles without identity.
"""

from typing import Any, Final

from django.template.loader import render_to_string
from django.utils import timezone, translation

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import selectors
from safepath.cases.models import Assistance, Case
from safepath.cases.vocabularies import ExploitationType
from safepath.core.pdf import font_url, html_to_pdf

TEMPLATE: Final = "cases/exports/case_pdf.html"


def context(case: Case, *, actor: User, identity: bool) -> dict[str, Any]:
    """What the template shows, in the active language."""
    identity = identity and policies.in_scope(actor, "person.view_identity", case.person)
    person = case.person
    labels = dict(ExploitationType.choices)
    return {
        "language": translation.get_language(),
        "font_url": font_url(),
        "case": case,
        "person": person,
        "identity": identity,
        "name": " ".join(p for p in (person.given_name, person.family_name) if p)
        if identity
        else "",
        "date_of_birth": person.date_of_birth if identity else None,
        "exploitation_types": [str(labels.get(code, code)) for code in case.exploitation_types],
        "plan_items": list(selectors.plan_of(case)),
        "open_tasks": list(selectors.tasks_of(case).filter(done_at__isnull=True)),
        "approvals": list(selectors.approvals_of(case)),
        "assistance": list(
            Assistance.objects.filter(case=case, organisation_id=case.organisation_id)
            .select_related("provider")
            .order_by("given_on", "id")
        ),
        "generated": timezone.localtime(),
        "generated_by": actor.get_username(),
    }


def render(case: Case, *, actor: User, identity: bool, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(TEMPLATE, context(case, actor=actor, identity=identity))
    return html_to_pdf(html)
