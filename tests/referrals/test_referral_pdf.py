"""The referral form as a PDF for a recipient outside safepath: in the recipient's
language, holding only the shared fields, downloaded by the sender's side only after a
recent password check, and audited."""

import datetime
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.people.models import Person
from safepath.people.services import consent_record
from safepath.referrals import referral_pdf
from safepath.referrals.models import Referral
from tests.cases.report_helpers import pdf_fonts, pdf_text, reauthenticate, with_password
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def external(
    refer: Callable[..., Referral], cast: Cast, person_a: Person
) -> Callable[..., Referral]:
    """A referral of person A to a legal clinic outside safepath, with their consent to
    being referred (to any recipient); keywords override."""
    consent_record(
        actor=cast.caseworker_a,
        person=person_a,
        purpose="referral",
        given=True,
        method="oral_witnessed",
        date=datetime.date(2026, 11, 30),
    )

    def _external(**overrides: Any) -> Referral:
        arguments: dict[str, Any] = {
            "service": None,
            "external_recipient": "Klinika Prawa Rzeszów",
            "recipient_language": "uk",
            "sent_via": "email",
            "share": ["code", "given_name", "age_band"],
            "purpose": "Legal advice on temporary protection.",
        }
        arguments.update(overrides)
        return refer(**arguments)

    return _external


def _url(referral: Referral) -> str:
    return f"/en/app/referrals/{referral.public_id}/pdf/"


def test_the_pdf_is_in_the_recipients_language_and_holds_only_the_shared_fields(
    external: Callable[..., Referral],
) -> None:
    referral = external()
    text = pdf_text(referral_pdf.render(referral))
    assert "Klinika Prawa Rzeszów" in text
    assert "Oksana" in text  # shared, with consent
    assert "Melnyk" not in text  # not shared
    assert "+48601234567" not in text
    assert "Legal advice on temporary protection." in text
    assert "Organisation A" in text
    fonts = pdf_fonts(referral_pdf.render(referral))  # the bundled font, and only it
    assert fonts
    assert all(name.split("+", 1)[1].startswith("Safepath-Sans") for name in fonts), fonts


@pytest.mark.parametrize("language", ["en", "pl", "uk", "ru"])
def test_each_language_renders_and_an_unknown_one_falls_back_to_english(
    external: Callable[..., Referral], language: str
) -> None:
    referral = external(recipient_language=language)
    assert referral_pdf.language_of(referral) == language
    html = referral_pdf.render_html(referral, language)
    assert f'<html lang="{language}">' in html
    assert pdf_text(referral_pdf.render(referral)).count("Oksana") == 1
    Referral.objects.filter(pk=referral.pk).update(recipient_language="xx")
    referral.refresh_from_db()
    assert referral_pdf.language_of(referral) == "en"


def test_a_session_without_a_recent_password_is_sent_to_reauthenticate_and_nothing_is_made(
    cast: Cast, external: Callable[..., Referral], login: Any
) -> None:
    referral = external()
    client = login(cast.caseworker_a)
    response = client.get(_url(referral))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/reauthenticate/?next=")
    assert AuditEvent.objects.filter(action="referral.pdf_downloaded").count() == 0


def test_a_password_check_older_than_five_minutes_is_asked_again(
    cast: Cast, external: Callable[..., Referral], login: Any, client: Client
) -> None:
    referral = external()
    login(with_password(cast.caseworker_a))
    reauthenticate(client)
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] = time.time() - 301
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(_url(referral))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="referral.pdf_downloaded").count() == 0


def test_after_reauthenticating_the_pdf_downloads_uncached_and_audited(
    cast: Cast, external: Callable[..., Referral], login: Any, client: Client
) -> None:
    referral = external()
    login(with_password(cast.caseworker_a))
    reauthenticate(client)
    response = client.get(_url(referral))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="referral-{referral.public_id}-uk.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="referral.pdf_downloaded")
    assert (event.actor_username, event.object_id, event.detail) == (
        "caseworker.a",
        str(referral.public_id),
        {"language": "uk", "via": "web"},
    )


def test_no_pdf_for_a_referral_inside_safepath_or_for_anyone_but_the_sender(
    cast: Cast,
    external: Callable[..., Referral],
    refer: Callable[..., Referral],
    login: Any,
    client: Client,
) -> None:
    inside = refer()
    outside = external()
    login(with_password(cast.caseworker_a))
    reauthenticate(client)
    assert client.get(_url(inside)).status_code == 404
    for user in (cast.partner, cast.caseworker_b, cast.analyst):
        other = login(user)
        assert other.get(_url(outside)).status_code == 404
    assert AuditEvent.objects.filter(action="referral.pdf_downloaded").count() == 0


def test_no_pdf_with_identity_for_a_sender_who_may_not_see_the_person(
    cast: Cast, external: Callable[..., Referral], login: Any, client: Client
) -> None:
    """A caseworker of another team reaches the referral (it is their team's) but not
    person A's identity: the page hides the name, and the form is not given either."""
    referral = external(actor=cast.supervisor_a)
    Referral.objects.filter(pk=referral.pk).update(team=cast.caseworker_a_other_team.team)
    login(with_password(cast.caseworker_a_other_team))
    reauthenticate(client)
    page = client.get(f"/en/app/referrals/{referral.public_id}/")
    assert page.status_code == 200
    assert "Oksana" not in page.content.decode()
    assert client.get(_url(referral)).status_code == 404
    assert AuditEvent.objects.filter(action="referral.pdf_downloaded").count() == 0
    # Without identity in it, the form is theirs to print.
    minimal = external(actor=cast.supervisor_a, share=["code", "age_band"])
    Referral.objects.filter(pk=minimal.pk).update(team=cast.caseworker_a_other_team.team)
    assert client.get(_url(minimal)).status_code == 200
