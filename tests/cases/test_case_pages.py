"""Case pages: open from a screening, read with the timeline, edit with the version
read (a stale save shows both versions and saves nothing), notes, assignment; and who
gets 404 with nothing written."""

import uuid
from typing import Any

from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.cases.models import Case, CaseNote
from safepath.cases.services import case_update
from safepath.screening.models import Screening
from tests.conftest import Cast


def _edit(case: Case) -> str:
    return f"/en/app/cases/{case.public_id}/edit/"


def _form(case: Case, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": case.version,
        "status": case.status,
        "trafficking_status": case.trafficking_status,
    }
    data.update(changes)
    return data


def test_open_a_case_from_the_screening_result(
    cast: Cast, screening_a: Screening, login: Any
) -> None:
    client = login(cast.caseworker_a)
    result = client.get(f"/en/app/screenings/{screening_a.public_id}/").content.decode()
    assert 'action="/en/app/cases/open/"' in result
    response = client.post("/en/app/cases/open/", {"screening": str(screening_a.public_id)})
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Possible victim of trafficking" in page
    assert "Case opened" in page  # the timeline
    assert "Oksana" in page  # the caseworker sees identity
    # The screening now links to the case instead of offering another.
    result = client.get(f"/en/app/screenings/{screening_a.public_id}/").content.decode()
    assert "Go to the case" in result
    response = client.post("/en/app/cases/open/", {"screening": str(screening_a.public_id)})
    assert Case.objects.count() == 1


def test_edit_saves_and_a_stale_edit_shows_both_versions_and_saves_nothing(
    cast: Cast, case_a: Case, login: Any
) -> None:
    client = login(cast.caseworker_a)
    response = client.post(
        _edit(case_a), _form(case_a, risk_level="high", means_of_control=["DebtBondage"])
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.risk_level, case_a.means_of_control, case_a.version) == (
        "high",
        ["DebtBondage"],
        2,
    )

    # A colleague saves; then this user sends a form read at version 2.
    case_update(
        actor=cast.caseworker_a2, case=case_a, data={"risk_level": "medium"}, expected_version=2
    )
    response = client.post(_edit(case_a), _form(case_a, version=2, risk_level="low"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this case" in page
    assert "Low" in page
    assert "Medium" in page
    case_a.refresh_from_db()
    assert (case_a.risk_level, case_a.version) == ("medium", 3)


def test_a_bad_edit_names_the_field_and_saves_nothing(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    response = client.post(
        _edit(case_a), _form(case_a, trafficking_status="ActualVictimOfTrafficking")
    )
    assert response.status_code == 200
    assert "Say which type of organisation made this decision." in response.content.decode()
    response = client.post(_edit(case_a), _form(case_a, status="Archived"))
    assert response.status_code == 200
    case_a.refresh_from_db()
    assert case_a.version == 1


def test_notes_and_assignment(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    client.post(
        f"/en/app/cases/{case_a.public_id}/notes/", {"text": "Needs a Ukrainian-speaking lawyer"}
    )
    assert CaseNote.objects.get().text == "Needs a Ukrainian-speaking lawyer"
    # A caseworker may not assign.
    assert (
        client.post(
            f"/en/app/cases/{case_a.public_id}/assign/", {"owner": cast.caseworker_a2.pk}
        ).status_code
        == 404
    )
    supervisor = login(cast.supervisor_a)
    supervisor.post(f"/en/app/cases/{case_a.public_id}/assign/", {"owner": cast.caseworker_a2.pk})
    case_a.refresh_from_db()
    assert case_a.owner == cast.caseworker_a2
    # An outsider cannot be chosen.
    supervisor.post(f"/en/app/cases/{case_a.public_id}/assign/", {"owner": cast.caseworker_b.pk})
    case_a.refresh_from_db()
    assert case_a.owner == cast.caseworker_a2


def test_analyst_reads_the_case_without_identity_or_notes(
    cast: Cast, case_a: Case, login: Any
) -> None:
    login(cast.caseworker_a).post(
        f"/en/app/cases/{case_a.public_id}/notes/", {"text": "Lives with her aunt"}
    )
    page = login(cast.analyst).get(case_a.get_absolute_url()).content.decode()
    assert case_a.person.code in page
    for word in ("Oksana", "Melnyk", "aunt"):
        assert word not in page
    assert login(cast.analyst).get(_edit(case_a)).status_code == 404


def test_outsider_gets_404_everywhere_and_nothing_is_written_or_logged_as_read(
    cast: Cast, case_a: Case, screening_a: Screening, login: Any
) -> None:
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        client = login(user)
        missing = client.get(f"/en/app/cases/{uuid.uuid4()}/")
        response = client.get(case_a.get_absolute_url())
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
        assert client.get(_edit(case_a)).status_code == 404
        assert client.post(_edit(case_a), _form(case_a, risk_level="high")).status_code == 404
        assert (
            client.post(f"/en/app/cases/{case_a.public_id}/notes/", {"text": "x"}).status_code
            == 404
        )
        assert (
            client.post(
                "/en/app/cases/open/", {"screening": str(screening_a.public_id)}
            ).status_code
            == 404
        )
        assert str(case_a.public_id) not in client.get("/en/app/cases/").content.decode()
    case_a.refresh_from_db()
    assert (case_a.risk_level, case_a.version) == ("", 1)
    assert not CaseNote.objects.exists()
    assert Case.objects.count() == 1
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_roles_without_cases_get_404_on_every_case_page(
    cast: Cast, case_a: Case, login: Any
) -> None:
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        client = login(user)
        for url in ("/en/app/cases/", case_a.get_absolute_url(), _edit(case_a)):
            assert client.get(url).status_code == 404
        for url in (
            "/en/app/cases/open/",
            f"/en/app/cases/{case_a.public_id}/notes/",
            f"/en/app/cases/{case_a.public_id}/assign/",
        ):
            assert (
                client.post(
                    url, {"person": str(case_a.person.public_id), "text": "x", "owner": user.pk}
                ).status_code
                == 404
            )
    case_a.refresh_from_db()
    assert case_a.version == 1
    assert Case.objects.count() == 1
    assert not CaseNote.objects.exists()


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast, case_a: Case) -> None:
    for url in ("/en/app/cases/", case_a.get_absolute_url(), _edit(case_a)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    client.post(f"/en/app/cases/{case_a.public_id}/notes/", {"text": "x"})
    assert not CaseNote.objects.exists()
