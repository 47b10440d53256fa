"""Exports: a caseload as CSV or XLSX and a case's summary PDF, made by the background
worker, kept encrypted, downloadable by their owner only until they expire, audited.
Identity only for roles that may see it, after a fresh password check. Everyone else
gets 404 and nothing is written."""

import csv
import datetime
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from safepath.accounts.models import User
from safepath.audit.models import AuditEvent
from safepath.cases import caseload_export, export_files, export_services, tasks
from safepath.cases.models import Case, CaseExport
from safepath.cases.retention_services import run_retention
from safepath.cases.services import case_open, case_update
from safepath.cases.workflow_services import plan_item_add, task_add
from safepath.people import services as people_services
from safepath.screening.services import ConsentGiven, Location, screening_create
from tests.cases.conftest import INDICATED
from tests.cases.report_helpers import pdf_text, reauthenticate, with_password
from tests.cases.retention_setup import close
from tests.conftest import Cast

EXPORTS = "/en/app/cases/exports/"
Status = CaseExport.Status
EXPORT_ACTIONS = (
    "case.export_requested",
    "case.exported",
    "case.export_downloaded",
    "case.export_purged",
)


@pytest.fixture(autouse=True)
def private_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.SAFEPATH_PRIVATE_DIR = tmp_path / "private"
    return tmp_path / "private"


def _case(actor: User, family_name: str, **person: str) -> Case:
    """A consented, screened person of the actor's team with an open case."""
    registered = people_services.person_create(
        actor=actor,
        data={"given_name": "Iryna", "family_name": family_name, "sex": "female", **person},
    )
    screening = screening_create(
        actor=actor,
        person=registered,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=[],
        consent=ConsentGiven("oral_witnessed", datetime.date(2026, 11, 30)),
        location=Location(site_type="border_crossing", voivodeship="18"),
    )
    return case_open(actor=actor, screening=screening)


def _work() -> None:
    """Run the export task synchronously for every queued export, as the worker would."""
    for export_id in CaseExport.objects.filter(status=Status.QUEUED).values_list("pk", flat=True):
        tasks.build_case_export.call(export_id)


def _ask(client: Client, **data: str) -> Any:
    return client.post(EXPORTS, {"format": "csv", "status": "", **data})


def _download(client: Client, export: CaseExport) -> Any:
    return client.get(f"{EXPORTS}{export.public_id}/download/")


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


def _audit(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _nothing_written() -> None:
    assert not CaseExport.objects.exists()
    assert not AuditEvent.objects.filter(action__in=EXPORT_ACTIONS).exists()


def test_a_caseload_csv_holds_exactly_the_visible_cases(
    cast: Cast, case_a: Case, login: Any, private_dir: Path
) -> None:
    _case(cast.caseworker_a_other_team, "Lublinska")
    _case(cast.caseworker_b, "Outsiderska")
    task_add(
        actor=cast.caseworker_a,
        case=case_a,
        kind="task",
        title="Call the shelter",
        due_on=datetime.date(2026, 12, 3),
        assignee=cast.caseworker_a,
    )
    client = login(cast.caseworker_a)
    response = _ask(client)
    export = CaseExport.objects.get()
    assert response["Location"] == f"{EXPORTS}{export.public_id}/"
    assert (export.kind, export.status, export.identity) == ("caseload_csv", Status.QUEUED, False)
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh"' in page

    _work()
    export.refresh_from_db()
    assert (export.status, export.total, export.done) == (Status.READY, 1, 1)
    assert export.finished_at is not None
    assert export.expires_at == export.finished_at + datetime.timedelta(days=7)
    sealed = export_files.sealed_path(export).read_bytes()
    assert str(case_a.public_id).encode() not in sealed  # encrypted at rest
    assert oct(export_files.sealed_path(export).stat().st_mode & 0o777) == "0o600"
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert f"{EXPORTS}{export.public_id}/download/" in page

    download = _download(client, export)
    assert download["Content-Disposition"] == (
        f'attachment; filename="safepath-caseload-{export.public_id}.csv"'
    )
    assert "no-store" in download["Cache-Control"]
    rows = _csv(download.content)
    assert rows[0] == [str(label) for label in caseload_export.COLUMNS]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Case id"] == str(case_a.public_id)
    assert row["Person code"] == case_a.person.code
    assert (row["Organisation"], row["Team"], row["Caseworker"]) == (
        "ORGA",
        "Warsaw",
        "caseworker.a",
    )
    assert (row["Status"], row["Trafficking status"]) == (
        "Active",
        "Possible victim of trafficking",
    )
    assert (row["Open tasks"], row["Next task due"]) == ("1", "2026-12-03")
    assert "Oksana" not in download.content.decode()
    assert [_audit(action) for action in EXPORT_ACTIONS] == [1, 1, 1, 0]
    exported = AuditEvent.objects.get(action="case.exported")
    assert exported.detail == {"via": "task", "target": "caseload_csv", "count": 1, "fields": []}


def test_the_caseload_dates_cases_by_warsaw_days(
    cast: Cast, case_a: Case, login: Any, private_dir: Path
) -> None:
    # Opened at 00:30 in Warsaw on 16 January, which is still the 15th in UTC.
    Case.objects.filter(pk=case_a.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    )
    client = login(cast.caseworker_a)
    _ask(client)
    _work()
    rows = _csv(_download(client, CaseExport.objects.get()).content)
    assert dict(zip(rows[0], rows[1], strict=True))["Opened on"] == "2026-01-16"


def test_a_caseload_xlsx_in_polish_with_a_status_filter(
    cast: Cast, case_a: Case, login: Any
) -> None:
    other = _case(cast.caseworker_a2, "Druga")
    case_update(
        actor=cast.caseworker_a2, case=other, data={"status": "FollowUp"}, expected_version=1
    )
    client = login(cast.supervisor_a)
    client.post("/pl/app/cases/exports/", {"format": "xlsx", "status": "FollowUp"})
    export = CaseExport.objects.get()
    assert (export.language, export.status_filter) == ("pl", "FollowUp")
    _work()
    download = _download(client, export)
    assert download["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(download.content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == str(other.public_id)
    with translation.override("pl"):
        assert list(rows[0]) == [str(label) for label in caseload_export.COLUMNS]


def test_identity_needs_the_role_and_a_fresh_password(
    cast: Cast, case_a: Case, client: Client
) -> None:
    with_password(cast.caseworker_a)
    client.force_login(
        cast.caseworker_a, backend="safepath.accounts.backends.AuthenticationBackend"
    )
    response = _ask(client, identity="on")
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    _nothing_written()

    reauthenticate(client)
    _ask(client, identity="on")
    export = CaseExport.objects.get()
    assert export.identity is True
    _work()
    rows = _csv(_download(client, export).content)
    assert rows[0][-4:] == [str(label) for label in caseload_export.IDENTITY_COLUMNS]
    # A phone starts with "+" but is no formula: it stays as it is.
    assert rows[1][-4:] == ["Oksana", "Melnyk", "", "+48601234567"]
    requested = AuditEvent.objects.get(action="case.export_requested")
    assert requested.detail["fields"] == caseload_export.IDENTITY_FIELDS

    # Days later, in a session without a recent password check, the file waits for one.
    later = Client()
    later.force_login(cast.caseworker_a, backend="safepath.accounts.backends.AuthenticationBackend")
    downloads = _audit("case.export_downloaded")
    response = _download(later, export)
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    assert _audit("case.export_downloaded") == downloads


def test_analysts_get_no_identity_field_and_no_identity(
    cast: Cast, case_a: Case, login: Any
) -> None:
    client = login(cast.analyst)
    page = client.get(EXPORTS).content.decode()
    assert 'name="identity"' not in page
    _ask(client, identity="on")  # not a field of their form: ignored
    export = CaseExport.objects.get()
    assert export.identity is False
    _work()
    rows = _csv(_download(client, export).content)
    assert rows[0] == [str(label) for label in caseload_export.COLUMNS]
    assert rows[1][0] == str(case_a.public_id)


def test_formulas_are_made_inert(cast: Cast, login: Any) -> None:
    case = _case(cast.caseworker_a, '=HYPERLINK("http://evil")', given_name="+1+1")
    with_password(cast.caseworker_a)
    assert caseload_export.guard("=1+1") == "'=1+1"
    for start in ("+", "-", "@", "\t", "\r"):
        assert caseload_export.guard(f"{start}x") == f"'{start}x"
    assert caseload_export.guard("plain") == "plain"
    for number in ("+48601234567", "-3", "2.5"):
        assert caseload_export.guard(number) == number
    for formula in (
        "+1+1",
        "-2+A1",
        "+cmd|' /C calc'!A0",
        "@SUM(1)",
        "=1",
        "-2-3",
        "+48-601-234-567",
        "+1 (555) 010-999",
    ):
        assert caseload_export.guard(formula) == f"'{formula}"
    assert caseload_export.guard(3) == 3
    for kind in ("caseload_csv", "caseload_xlsx"):
        export_services.caseload_export_request(
            actor=cast.caseworker_a, kind=kind, status="", identity=True, language="en"
        )
    _work()
    csv_export, xlsx_export = CaseExport.objects.order_by("id")
    csv_rows = _csv(export_files.read(csv_export))
    assert csv_rows[1][-4:-2] == ["'+1+1", '\'=HYPERLINK("http://evil")']
    sheet = load_workbook(io.BytesIO(export_files.read(xlsx_export))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][-4:-2] == ("'+1+1", '\'=HYPERLINK("http://evil")')
    assert rows[1][0] == str(case.public_id)


def test_the_build_reads_cases_in_a_constant_number_of_queries(cast: Cast, case_a: Case) -> None:
    def queries() -> int:
        export = export_services.caseload_export_request(
            actor=cast.supervisor_a, kind="caseload_csv", status="", identity=True, language="en"
        )
        with CaptureQueriesContext(connection) as captured:
            tasks.build_case_export.call(export.pk)
        return len(captured.captured_queries)

    one = queries()
    for number in range(3):
        _case(cast.caseworker_a2, f"More{number}")
    assert queries() == one


def test_progress_is_shown_while_the_worker_runs(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    _ask(client)
    export = CaseExport.objects.get()
    CaseExport.objects.filter(pk=export.pk).update(status=Status.RUNNING, total=2500, done=1000)
    page = client.get(f"{EXPORTS}{export.public_id}/").content.decode()
    assert '<progress id="export-progress" max="2500" value="1000">40%</progress>' in page
    assert "1000 of 2500 cases" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "1000 / 2500" in client.get(EXPORTS).content.decode()


def test_a_duplicate_delivery_does_nothing(cast: Cast, case_a: Case) -> None:
    export = export_services.caseload_export_request(
        actor=cast.caseworker_a, kind="caseload_csv", status="", identity=False, language="en"
    )
    tasks.build_case_export.call(export.pk)
    finished = CaseExport.objects.get().finished_at
    tasks.build_case_export.call(export.pk)
    assert CaseExport.objects.get().finished_at == finished
    assert _audit("case.exported") == 1


def test_another_user_gets_404_and_nothing_is_audited_for_them(
    cast: Cast, case_a: Case, login: Any
) -> None:
    client = login(cast.caseworker_a)
    _ask(client)
    _work()
    export = CaseExport.objects.get()
    watched = AuditEvent.objects.filter(action__in=(*EXPORT_ACTIONS, "case.viewed"))
    before = watched.count()
    for user in (cast.caseworker_a2, cast.supervisor_a, cast.caseworker_b, cast.analyst):
        other = login(user)
        assert other.get(f"{EXPORTS}{export.public_id}/").status_code == 404
        assert _download(other, export).status_code == 404
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        other = login(user)
        assert other.get(EXPORTS).status_code == 404
        assert _ask(other).status_code == 404
        assert other.get(f"{EXPORTS}{export.public_id}/").status_code == 404
        assert _download(other, export).status_code == 404
        assert other.post(f"/en/app/cases/{case_a.public_id}/pdf/").status_code == 404
    assert watched.count() == before
    assert CaseExport.objects.count() == 1


def test_an_expired_export_is_404_and_purged(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    _ask(client)
    _work()
    export = CaseExport.objects.get()
    path = export_files.sealed_path(export)
    assert path.exists()
    CaseExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert _download(client, export).status_code == 404
    assert _audit("case.export_downloaded") == 0
    out = io.StringIO()
    call_command("cases", "purge-exports", stdout=out)
    assert out.getvalue().strip() == '{"purged": 1}'
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == Status.EXPIRED
    purged = AuditEvent.objects.get(action="case.export_purged")
    assert (purged.actor_username, purged.object_id) == ("system:exports", str(export.public_id))
    assert purged.detail == {"via": "command", "target": "caseload_csv", "reason": "expired"}
    assert "expired" in client.get(f"{EXPORTS}{export.public_id}/").content.decode()
    call_command("cases", "purge-exports", stdout=out)
    assert _audit("case.export_purged") == 1


def test_the_build_purges_expired_exports_first(cast: Cast, case_a: Case) -> None:
    old = export_services.caseload_export_request(
        actor=cast.caseworker_a, kind="caseload_csv", status="", identity=False, language="en"
    )
    _work()
    CaseExport.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    export_services.caseload_export_request(
        actor=cast.caseworker_a, kind="caseload_csv", status="", identity=False, language="en"
    )
    _work()
    old.refresh_from_db()
    assert old.status == Status.EXPIRED
    assert not export_files.sealed_path(old).exists()


def test_anonymising_a_case_withdraws_the_exports_that_may_hold_it(
    cast: Cast, case_a: Case, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    def ask(identity: bool) -> CaseExport:
        return export_services.caseload_export_request(
            actor=cast.caseworker_a,
            kind="caseload_csv",
            status="",
            identity=identity,
            language="en",
        )

    with_identity, without_identity = ask(True), ask(False)
    case_pdf = export_services.case_pdf_request(
        actor=cast.caseworker_a, case=case_a, identity=False, language="en"
    )
    _work()
    not_built_yet = ask(True)
    files = {e.pk: export_files.sealed_path(e) for e in (with_identity, without_identity, case_pdf)}
    assert all(path.exists() for path in files.values())

    close(cast, case_a, days_ago=settings.SAFEPATH_CASE_RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):  # the files go on commit
        assert run_retention(via="test").cases == 1

    status = dict(CaseExport.objects.values_list("pk", "status"))
    assert (
        status[with_identity.pk]
        == status[case_pdf.pk]
        == status[not_built_yet.pk]
        == (Status.EXPIRED)
    )
    assert status[without_identity.pk] == Status.READY  # codes only: nothing removed is in it
    assert not files[with_identity.pk].exists()
    assert not files[case_pdf.pk].exists()
    assert files[without_identity.pk].exists()
    withdrawn = AuditEvent.objects.filter(action="case.export_purged")
    assert {e.detail["reason"] for e in withdrawn} == {"anonymised"}
    assert withdrawn.count() == 3
    _work()  # the withdrawn one is not built any more
    assert not export_files.sealed_path(not_built_yet).exists()


def test_bad_input_names_the_field_and_writes_nothing(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    response = client.post(EXPORTS, {"format": "pdf", "status": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"format"}
    response = client.post(EXPORTS, {"format": "csv", "status": "Lost"})
    assert response.context["form"].errors.keys() == {"status"}
    _nothing_written()
    with pytest.raises(ValueError, match="not a caseload export"):
        export_services.caseload_export_request(
            actor=cast.caseworker_a, kind="case_pdf", status="", identity=False, language="en"
        )
    _nothing_written()


def test_a_case_pdf_is_a_real_pdf_without_identity_unless_asked(
    cast: Cast, case_a: Case, client: Client
) -> None:
    plan_item_add(actor=cast.caseworker_a, case=case_a, goal="Safe housing in Kraków")
    with_password(cast.caseworker_a)
    client.force_login(
        cast.caseworker_a, backend="safepath.accounts.backends.AuthenticationBackend"
    )
    url = f"/en/app/cases/{case_a.public_id}/pdf/"
    response = client.post(url)
    export = CaseExport.objects.get()
    assert response["Location"] == f"{EXPORTS}{export.public_id}/"
    assert (export.kind, export.case_id, export.identity) == ("case_pdf", case_a.pk, False)
    _work()
    download = _download(client, export)
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(download.content)
    assert str(case_a.public_id) in text
    assert case_a.person.code in text
    assert "Possible victim of trafficking" in text
    assert "Oksana" not in text
    assert "Melnyk" not in text
    assert "Kraków" not in text  # the plan's free text goes with identity only

    response = client.post(url, {"identity": "1"})
    assert "/accounts/reauthenticate/" in response["Location"]
    assert CaseExport.objects.count() == 1
    reauthenticate(client)
    client.post(url, {"identity": "1"})
    _work()
    with_identity = CaseExport.objects.order_by("-id").first()
    assert with_identity is not None
    assert with_identity.identity
    text = pdf_text(_download(client, with_identity).content)
    assert "Oksana Melnyk" in text
    assert "Safe housing in Kraków" in text


def test_the_case_pdf_needs_the_case(cast: Cast, case_a: Case, login: Any) -> None:
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        client = login(user)
        assert client.post(f"/en/app/cases/{case_a.public_id}/pdf/").status_code == 404
        assert client.get(f"/en/app/cases/{case_a.public_id}/pdf/").status_code in (404, 405)
        assert client.post(f"/en/app/cases/{uuid.uuid4()}/pdf/").status_code == 404
    # The analyst reaches the case but not the person's identity.
    client = login(cast.analyst)
    response = client.post(f"/en/app/cases/{case_a.public_id}/pdf/", {"identity": "1"})
    assert response.status_code == 404
    _nothing_written()
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_a_case_reassigned_away_is_no_longer_downloadable(
    cast: Cast, case_a: Case, login: Any
) -> None:
    client = login(cast.caseworker_a)
    client.post(f"/en/app/cases/{case_a.public_id}/pdf/")
    _work()
    export = CaseExport.objects.get()
    Case.objects.filter(pk=case_a.pk).update(team=cast.team_a2, owner=cast.caseworker_a_other_team)
    assert _download(client, export).status_code == 404
    assert _audit("case.export_downloaded") == 0


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    some = uuid.uuid4()
    for response in (
        client.get(EXPORTS),
        client.post(EXPORTS, {"format": "csv"}),
        client.get(f"{EXPORTS}{some}/"),
        client.get(f"{EXPORTS}{some}/download/"),
        client.post(f"/en/app/cases/{case_a.public_id}/pdf/"),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    _nothing_written()


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_builds_the_export(cast: Cast, case_a: Case, login: Any) -> None:
    client = login(cast.caseworker_a)
    _ask(client, format="xlsx")
    export = CaseExport.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    export.refresh_from_db()
    assert export.status == Status.READY
    assert _download(client, export).status_code == 200
