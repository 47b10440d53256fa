"""Report pages: prepare, read, approve and follow up on the web; the case page's
section; and who gets 404 (or the sign-in page) with nothing written."""

import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseEvent, LawEnforcementReport, ReportPlace
from tests.cases.report_helpers import approved, draft
from tests.conftest import Cast

PREFIX = "/en/app/cases"


def _routes(case: Case, report: LawEnforcementReport) -> list[tuple[str, str, dict[str, Any]]]:
    """Every report route, with a plausible body for the POSTs."""
    rid = report.public_id
    today = timezone.localdate().isoformat()
    return [
        ("get", f"{PREFIX}/{case.public_id}/reports/new/", {}),
        ("post", f"{PREFIX}/{case.public_id}/reports/new/", _form()),
        ("get", f"{PREFIX}/reports/{rid}/", {}),
        ("get", f"{PREFIX}/reports/{rid}/edit/", {}),
        ("post", f"{PREFIX}/reports/{rid}/edit/", _form(version=report.version)),
        ("post", f"{PREFIX}/reports/{rid}/submit/", {}),
        ("post", f"{PREFIX}/reports/{rid}/approve/", {}),
        ("post", f"{PREFIX}/reports/{rid}/reject/", {"comment": "No"}),
        (
            "post",
            f"{PREFIX}/reports/{rid}/send/",
            {"unit": "KGP", "channel": "in_person", "sent_on": today},
        ),
        ("post", f"{PREFIX}/reports/{rid}/acknowledge/", {"acknowledged_on": today}),
        (
            "post",
            f"{PREFIX}/reports/{rid}/outcome/",
            {"outcome": "no_action", "outcome_on": today},
        ),
        ("get", f"{PREFIX}/reports/{rid}/pdf/?language=pl", {}),
    ]


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "facts": "Pracowała 14 godzin dziennie bez wynagrodzenia.",
        "indicators": ["AL-EX-01"],
        "legal_ground": "",
        "legal_ground_reason": "",
        "places-TOTAL_FORMS": "2",
        "places-INITIAL_FORMS": "0",
        "places-0-place": "Szklarnia w Grójcu",
        "places-0-country": "",
        "places-0-voivodeship": "14",
        "places-0-date": "2026-05-01",
        "places-0-what_happened": "Zabrano jej paszport",
        "places-1-place": "",
        "perpetrators-TOTAL_FORMS": "1",
        "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-0-role": "Exploiter",
        "perpetrators-0-description": "Właściciel szklarni",
    }
    data.update(changes)
    return data


def _snapshot(report: LawEnforcementReport) -> tuple[Any, ...]:
    report.refresh_from_db()
    return (
        report.status,
        report.version,
        report.facts,
        LawEnforcementReport.objects.count(),
        ReportPlace.objects.count(),
        CaseEvent.objects.count(),
    )


def _call(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data) if method == "post" else client.get(url)


def test_prepare_submit_approve_send_and_follow_up_on_the_web(
    cast: Cast, case_a: Case, login: Any
) -> None:
    caseworker = login(cast.caseworker_a)
    case_page = caseworker.get(case_a.get_absolute_url()).content.decode()
    assert "Reports to law enforcement" in case_page
    assert f'href="{PREFIX}/{case_a.public_id}/reports/new/"' in case_page
    form = caseworker.get(f"{PREFIX}/{case_a.public_id}/reports/new/").content.decode()
    assert "AL-EX-01 · Excessively long working hours or days" in form
    response = caseworker.post(f"{PREFIX}/{case_a.public_id}/reports/new/", _form())
    report = LawEnforcementReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert (report.facts, report.indicators) == (
        "Pracowała 14 godzin dziennie bez wynagrodzenia.",
        ["AL-EX-01"],
    )
    place = report.places.get()
    assert (place.place, place.country, place.voivodeship, str(place.date)) == (
        "Szklarnia w Grójcu",
        "POL",
        "14",
        "2026-05-01",
    )
    assert report.perpetrators.get().description == "Właściciel szklarni"
    page = caseworker.get(report.get_absolute_url()).content.decode()
    assert "Szklarnia w Grójcu" in page
    assert "Redacted: no consent to sharing with law enforcement" in page

    caseworker.post(f"{PREFIX}/reports/{report.public_id}/submit/")
    report.refresh_from_db()
    assert report.status == "awaiting_approval"
    # The author sees no approve button, and a POST would not be theirs to make anyway.
    assert "Waiting for a supervisor other than its author" in (
        caseworker.get(report.get_absolute_url()).content.decode()
    )

    supervisor = login(cast.supervisor_a)
    page = supervisor.get(report.get_absolute_url()).content.decode()
    assert f'action="{PREFIX}/reports/{report.public_id}/approve/"' in page
    supervisor.post(f"{PREFIX}/reports/{report.public_id}/reject/", {"comment": ""})
    report.refresh_from_db()
    assert report.status == "awaiting_approval"  # a rejection needs its comment
    supervisor.post(f"{PREFIX}/reports/{report.public_id}/approve/")
    report.refresh_from_db()
    assert report.status == "approved"

    caseworker = login(cast.caseworker_a)
    today = timezone.localdate().isoformat()
    caseworker.post(
        f"{PREFIX}/reports/{report.public_id}/send/",
        {"unit": "KWP w Radomiu", "channel": "registered_post", "sent_on": today},
    )
    caseworker.post(
        f"{PREFIX}/reports/{report.public_id}/acknowledge/",
        {"acknowledged_on": today, "reference": "RSD-1/26"},
    )
    caseworker.post(
        f"{PREFIX}/reports/{report.public_id}/outcome/",
        {"outcome": "referred", "outcome_on": today},
    )
    report.refresh_from_db()
    assert (report.status, report.sent_to_unit, report.outcome) == (
        "concluded",
        "KWP w Radomiu",
        "referred",
    )
    case_page = caseworker.get(case_a.get_absolute_url()).content.decode()
    assert "Outcome recorded</a> · Referred to another authority" in case_page


def test_a_bad_form_names_the_field_and_saves_nothing(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    url = f"{PREFIX}/{case_a.public_id}/reports/new/"
    for data, message in (
        (_form(indicators=["AL-VD-09"]), "Select a valid choice."),
        (_form(**{"places-0-voivodeship": "99"}), "Select a valid choice."),
        (_form(**{"places-0-country": "UKR"}), "Place 1: a voivodeship is in Poland."),
        (_form(**{"places-0-place": ""}), "Place 1: name the place."),
        (_form(legal_ground="imminent_danger"), "Say why this legal ground applies."),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nothing has been saved yet." in page
        assert message in page
    assert LawEnforcementReport.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="report.").count() == 0


def test_a_stale_edit_is_a_conflict_and_saves_nothing(cast: Cast, case_a: Case, login: Any) -> None:
    report = draft(cast, case_a)
    client = login(cast.caseworker_a)
    url = f"{PREFIX}/reports/{report.public_id}/edit/"
    assert client.post(url, _form(version=1, facts="Pierwsza poprawka")).status_code == 302
    response = client.post(url, _form(version=1, facts="Druga poprawka"))
    assert response.status_code == 409
    assert "Someone else changed this report" in response.content.decode()
    report.refresh_from_db()
    assert (report.facts, report.version) == ("Pierwsza poprawka", 2)


def test_self_approval_is_refused_on_the_web(cast: Cast, case_a: Case, login: Any) -> None:
    supervisor = login(cast.supervisor_a)
    supervisor.post(f"{PREFIX}/{case_a.public_id}/reports/new/", _form())
    report = LawEnforcementReport.objects.get()
    supervisor.post(f"{PREFIX}/reports/{report.public_id}/submit/")
    response = supervisor.post(f"{PREFIX}/reports/{report.public_id}/approve/", follow=True)
    assert "another supervisor decides on it" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.approved_at) == ("awaiting_approval", None)


def test_outsiders_get_404_on_every_report_page_and_nothing_is_written(
    cast: Cast, case_a: Case, login: Any
) -> None:
    report = approved(cast, case_a)
    drafted = draft(cast, case_a)
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        client = login(user)
        for target in (report, drafted):
            before = _snapshot(target)
            for method, url, data in _routes(case_a, target):
                response = _call(client, method, url, data)
                assert response.status_code == 404, (user, method, url)
            assert _snapshot(target) == before
        missing = client.get(f"{PREFIX}/reports/{uuid.uuid4()}/")
        hidden = client.get(f"{PREFIX}/reports/{report.public_id}/")
        assert hidden.content == missing.content
        actor_events = AuditEvent.objects.filter(actor_username=user.get_username())
        assert actor_events.exclude(action="auth.login").count() == 0


def test_roles_without_reports_get_404_and_nothing_is_written(
    cast: Cast, case_a: Case, login: Any
) -> None:
    report = approved(cast, case_a)
    users: list[User] = [cast.analyst, cast.hotline, cast.partner, cast.trainer, cast.admin]
    for user in users:
        client = login(user)
        before = _snapshot(report)
        for method, url, data in _routes(case_a, report):
            assert _call(client, method, url, data).status_code == 404, (user, method, url)
        assert _snapshot(report) == before
        assert (
            AuditEvent.objects.filter(
                actor_username=user.get_username(), action__startswith="report."
            ).count()
            == 0
        )
    # The analyst reads the case, but not its reports.
    page = login(cast.analyst).get(case_a.get_absolute_url()).content.decode()
    assert "Reports to law enforcement" not in page
    # A caseworker reads reports but may not approve or reject them.
    client = login(cast.caseworker_a2)
    assert client.get(report.get_absolute_url()).status_code == 200
    for action in ("approve", "reject"):
        assert client.post(f"{PREFIX}/reports/{report.public_id}/{action}/").status_code == 404


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    cast: Cast, case_a: Case, client: Client
) -> None:
    report = approved(cast, case_a)
    before = _snapshot(report)
    events = AuditEvent.objects.count()
    for method, url, data in _routes(case_a, report):
        response = _call(client, method, url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/en/accounts/login/?next="), url
    assert _snapshot(report) == before
    assert AuditEvent.objects.count() == events
