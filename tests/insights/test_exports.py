"""Standard statistics exports from the web (safepath.insights.export_services,
export_tasks, views.export_views): an analyst asks, the worker builds (here run
synchronously, as the worker would), the analyst downloads. The CTDC files take the
command's code path over the cases the analyst may see. Only the requester reaches an
export; every other role gets 404 and nothing is written; bad input is a form error
and nothing is queued."""

import csv
import datetime
import io
import json
import uuid
from pathlib import Path
from typing import Any

import hxl as libhxl  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from safepath.accounts.models import Role, User
from safepath.audit.models import AuditEvent
from safepath.insights import ctdc, ctdc_synthetic, export_services, export_tasks
from safepath.insights.models import StatisticsExport, StatisticsRelease
from safepath.insights.rollups.build import rebuild
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.insights.ctdc_builders import ctdc_case
from tests.insights.test_hxl import _screen, _week

EXPORTS = "/en/app/insights/exports/"
Status = StatisticsExport.Status
ACTIONS = (
    "insights.export_requested",
    "insights.exported",
    "insights.export_downloaded",
    "insights.export_purged",
    "insights.ctdc_exported",
    "insights.ctdc_synthetic_exported",
    "insights.hxl_exported",
    "statistics.released",
)


@pytest.fixture(autouse=True)
def private_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.SAFEPATH_PRIVATE_DIR = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture
def cases(cast: Cast) -> None:
    """Five cases of organisation A (the same profile, so k = 5, the least the web
    takes, publishes them) and one of organisation B."""
    for n in range(5):
        ctdc_case(cast, birth=datetime.date(1990, 3, 1), exploited_in="POL", name=f"Anna{n}")
    actor = cast.caseworker_b
    from safepath.cases.services import case_open
    from safepath.people.services import consent_record, person_create

    person = person_create(actor=actor, data={"given_name": "Olha", "sex": "female"})
    consent_record(
        actor=actor,
        person=person,
        purpose="data_processing",
        given=True,
        method="written",
        date=timezone.localdate(),
    )
    case_open(actor=actor, person=person)


def _work() -> None:
    """Run the export task for every queued export, as the worker would."""
    queued = StatisticsExport.objects.filter(status=Status.QUEUED).values_list("pk", flat=True)
    for export_id in queued:
        export_tasks.build_statistics_export.call(export_id)


def _ask(client: Client, **data: str) -> Any:
    return client.post(EXPORTS, data)


def _download(client: Client, export: StatisticsExport) -> Any:
    return client.get(f"{EXPORTS}{export.public_id}/download/")


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _audit(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _nothing_written() -> None:
    assert not StatisticsExport.objects.exists()
    assert not AuditEvent.objects.filter(action__in=ACTIONS).exists()
    assert not StatisticsRelease.objects.exists()


# --- the journey ------------------------------------------------------------------------------


def test_an_analyst_asks_for_the_ctdc_dataset_and_downloads_it(
    cast: Cast, cases: None, login: Any, private_dir: Path
) -> None:
    client = login(cast.analyst)
    response = _ask(client, kind="ctdc_global", k="5")
    export = StatisticsExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{EXPORTS}{export.public_id}/"
    assert (export.kind, export.status, export.parameters) == (
        "ctdc_global",
        Status.QUEUED,
        {"k": 5, "max_suppression": 0.05},
    )
    assert export.created_by == cast.analyst
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert "Waiting for its turn." in page
    requested = AuditEvent.objects.get(action="insights.export_requested")
    assert requested.detail == {
        "via": "web",
        "target": "ctdc_global",
        "filters": ["k", "max_suppression"],
        "language": "en",
    }

    _work()
    export.refresh_from_db()
    assert export.status == Status.READY
    assert export.expires_at == export.finished_at + datetime.timedelta(days=7)  # type: ignore[operator]
    # The cases the analyst may see: organisation A's three, not B's.
    assert (export.report["records"], export.report["written"]) == (5, 5)
    sealed = export_services.sealed_path(export)
    assert sealed.parent == private_dir / "insights-exports"
    assert b"yearOfRegistration" not in sealed.read_bytes()  # encrypted at rest
    assert oct(sealed.stat().st_mode & 0o777) == "0o600"
    assert f"{EXPORTS}{export.public_id}/" in client.get(EXPORTS).content.decode()
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert f"{EXPORTS}{export.public_id}/download/" in page
    assert 'id="export-report"' in page

    download = _download(client, export)
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == (
        f'attachment; filename="safepath-ctdc-{export.public_id}.csv"'
    )
    assert "no-store" in download["Cache-Control"]
    rows = _csv(download.content)
    assert rows[0] == list(ctdc.COLUMNS)
    assert len(rows) == 6
    assert "Anna" not in download.content.decode()
    exported = AuditEvent.objects.get(action="insights.ctdc_exported")
    assert exported.actor_id == cast.analyst.pk
    assert exported.detail["via"] == "task"
    assert [_audit(action) for action in ACTIONS[:4]] == [1, 1, 1, 0]


def test_the_codebook_v2_columns_in_the_background(cast: Cast, cases: None, login: Any) -> None:
    client = login(cast.analyst)
    _ask(client, kind="ctdc_synthetic_v2", k="5")
    _work()
    export = StatisticsExport.objects.get()
    rows = _csv(_download(client, export).content)
    assert rows[0] == list(ctdc_synthetic.COLUMNS)
    assert len(rows) == 6
    assert export.report["k"] == 5
    assert _audit("insights.ctdc_synthetic_exported") == 1


def test_the_weekly_hxl_figures_of_the_analysts_organisation(
    cast: Cast, login: Any, tmp_path: Path
) -> None:
    week = _week()
    _screen(cast.caseworker_a, 6, week=week, sex="female")
    _screen(cast.caseworker_b, 9, week=week, sex="female")
    rebuild()
    client = login(cast.analyst)
    _ask(client, kind="hxl_weekly", start=week.isoformat(), end=week.isoformat())
    export = StatisticsExport.objects.get()
    assert export.parameters == {"from": week.isoformat(), "to": week.isoformat()}
    _work()
    export.refresh_from_db()
    assert export.report["rows"] == 16
    download = _download(client, export)
    assert download["Content-Disposition"] == (
        f'attachment; filename="safepath-hxl-weekly-{export.public_id}.csv"'
    )
    path = tmp_path / "weekly.csv"
    path.write_bytes(download.content)
    source = libhxl.data(str(path), libhxl.InputOptions(allow_local=True))
    lubelskie = next(row for row in source if row.get("#adm1+code") == "PL06")
    assert lubelskie.get("#reached+ind+f") == "6"  # organisation B's 9 are not counted
    assert StatisticsRelease.objects.filter(actor_id=cast.analyst.pk).count() == 4


def test_the_trends_report_in_polish(cast: Cast, login: Any) -> None:
    month = timezone.localdate().replace(day=1)
    client = login(cast.analyst)
    _ask(client, kind="trends_pdf", month=f"{month:%Y-%m}", report_language="pl")
    export = StatisticsExport.objects.get()
    assert export.parameters == {"month": f"{month:%Y-%m}", "language": "pl"}
    _work()
    export.refresh_from_db()
    assert export.status == Status.READY
    download = _download(client, export)
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")


def test_a_user_who_may_no_longer_export_gets_a_failed_export(
    cast: Cast, cases: None, login: Any
) -> None:
    client = login(cast.analyst)
    _ask(client, kind="ctdc_global")
    User.objects.filter(pk=cast.analyst.pk).update(role=Role.CASEWORKER)
    _work()
    export = StatisticsExport.objects.get()
    assert export.status == Status.FAILED
    assert export.message == "The user who asked for this export may no longer export."
    assert not export_services.sealed_path(export).exists()
    assert _audit("insights.ctdc_exported") == 0


def test_an_export_asked_for_before_the_minimum_was_raised_fails(
    cast: Cast, cases: None, login: Any, settings: Any
) -> None:
    _ask(login(cast.analyst), kind="ctdc_global", k="5")
    settings.SAFEPATH_STATS_PARTNER_MIN = 6
    _work()
    export = StatisticsExport.objects.get()
    assert export.status == Status.FAILED
    assert export.message == "k is now at least 6: ask for this export again."
    assert not export_services.sealed_path(export).exists()
    assert _audit("insights.ctdc_exported") == 0


def test_a_task_delivered_twice_builds_once(cast: Cast, cases: None, login: Any) -> None:
    _ask(login(cast.analyst), kind="ctdc_global", k="5")
    export = StatisticsExport.objects.get()
    export_tasks.build_statistics_export.call(export.pk)
    export_tasks.build_statistics_export.call(export.pk)
    assert _audit("insights.ctdc_exported") == 1
    assert _audit("insights.exported") == 1


def test_an_expired_export_is_404_and_purged(cast: Cast, cases: None, login: Any) -> None:
    client = login(cast.analyst)
    _ask(client, kind="ctdc_global", k="5")
    _work()
    export = StatisticsExport.objects.get()
    path = export_services.sealed_path(export)
    assert path.exists()
    later = timezone.now() + datetime.timedelta(days=8)
    assert export_services.purge_expired_exports(via="command", now=later) == 1
    export.refresh_from_db()
    assert export.status == Status.EXPIRED
    assert not path.exists()
    assert _download(client, export).status_code == 404
    purged = AuditEvent.objects.get(action="insights.export_purged")
    assert purged.detail == {"via": "command", "target": "ctdc_global", "reason": "expired"}
    assert export_services.purge_expired_exports(via="command", now=later) == 0


def test_the_purge_command_deletes_expired_files_only(cast: Cast, cases: None, login: Any) -> None:
    _ask(login(cast.analyst), kind="ctdc_global", k="5")
    _work()
    export = StatisticsExport.objects.get()
    out = io.StringIO()
    call_command("insights", "purge-exports", stdout=out)
    assert json.loads(out.getvalue()) == {"purged": 0}
    assert export_services.sealed_path(export).exists()
    StatisticsExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("insights", "purge-exports", stdout=out)
    assert json.loads(out.getvalue()) == {"purged": 1}
    assert not export_services.sealed_path(export).exists()


# --- who ----------------------------------------------------------------------------------------


def test_another_user_gets_404_and_nothing_is_written_for_them(
    cast: Cast, cases: None, login: Any
) -> None:
    _ask(login(cast.analyst), kind="ctdc_global", k="5")
    _work()
    export = StatisticsExport.objects.get()
    watched = AuditEvent.objects.filter(action__in=ACTIONS)
    before = watched.count()
    colleague = UserFactory.create(
        username="analyst2.a", role=Role.ANALYST, organisation=cast.org_a
    )
    other = login(colleague)
    assert other.get(f"{EXPORTS}{export.public_id}/").status_code == 404
    assert _download(other, export).status_code == 404
    assert str(export.public_id) not in other.get(EXPORTS).content.decode()
    assert watched.count() == before
    assert StatisticsExport.objects.count() == 1


def test_a_requester_moved_to_another_organisation_cannot_download_it(
    cast: Cast, cases: None, login: Any
) -> None:
    client = login(cast.analyst)
    _ask(client, kind="ctdc_global", k="5")
    _work()
    export = StatisticsExport.objects.get()
    assert _download(client, export).status_code == 200
    cast.analyst.organisation = cast.org_b
    cast.analyst.team = None
    cast.analyst.save()
    before = AuditEvent.objects.filter(action="insights.export_downloaded").count()
    assert _download(client, export).status_code == 404
    assert AuditEvent.objects.filter(action="insights.export_downloaded").count() == before


def test_roles_without_insights_export_get_404_and_nothing_is_written(
    cast: Cast, login: Any
) -> None:
    some = uuid.uuid4()
    for user in (
        cast.admin,
        cast.supervisor_a,
        cast.caseworker_a,
        cast.caseworker_b,
        cast.partner,
        cast.hotline,
        cast.trainer,
    ):
        client = login(user)
        assert client.get(EXPORTS).status_code == 404
        assert _ask(client, kind="ctdc_global", k="11").status_code == 404
        assert client.get(f"{EXPORTS}{some}/").status_code == 404
        assert client.get(f"{EXPORTS}{some}/download/").status_code == 404
    _nothing_written()


def test_the_service_refuses_roles_without_insights_export(cast: Cast) -> None:
    from safepath.core.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        export_services.export_request(actor=cast.supervisor_a, kind="ctdc_global", language="en")
    _nothing_written()


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(client: Client, cast: Cast) -> None:
    some = uuid.uuid4()
    for response in (
        client.get(EXPORTS),
        client.post(EXPORTS, {"kind": "ctdc_global", "k": "11"}),
        client.get(f"{EXPORTS}{some}/"),
        client.get(f"{EXPORTS}{some}/download/"),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    _nothing_written()


# --- bad input ---------------------------------------------------------------------------------


def _this_week() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "ctdc_global", "k": "4"}, "k", "k must be a whole number from 5 to 1000."),
        ({"kind": "ctdc_synthetic_v2", "k": "0"}, "k", "k must be a whole number from 5 to 1000."),
        ({"kind": "ctdc_global", "k": "many"}, "k", "Enter a whole number."),
        (
            {"kind": "everything"},
            "kind",
            "Select a valid choice. everything is not one of the available choices.",
        ),
        ({}, "kind", "This field is required."),
        (
            {"kind": "hxl_weekly", "start": "2025-03-10", "end": "2025-03-02"},
            "end",
            "The period starts after it ends.",
        ),
        (
            {"kind": "hxl_weekly", "end": "{this_week}"},
            "end",
            "The period must end in a week that is over.",
        ),
        (
            {"kind": "hxl_weekly", "start": "2020-01-01", "end": "2025-01-01"},
            "end",
            "The period can be at most 104 weeks long.",
        ),
        ({"kind": "hxl_weekly", "start": "2025-02-30"}, "start", "Enter a valid date."),
        (
            {"kind": "trends_pdf", "report_language": "en"},
            "month",
            "Choose the month of the report.",
        ),
        (
            {"kind": "trends_pdf", "month": "2999-01", "report_language": "en"},
            "month",
            "Choose a month from January 2000 to this month.",
        ),
        ({"kind": "trends_pdf", "month": "May 2025"}, "month", "Enter a valid date."),
        (
            {"kind": "trends_pdf", "month": "2025-05", "report_language": "de"},
            "report_language",
            "Select a valid choice. de is not one of the available choices.",
        ),
        (
            {"kind": "trends_pdf", "month": "2025-05"},
            "report_language",
            "Choose English or Polish.",
        ),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_queued(
    cast: Cast, login: Any, data: dict[str, str], field: str, message: str
) -> None:
    data = {key: value.format(this_week=_this_week().isoformat()) for key, value in data.items()}
    response = _ask(login(cast.analyst), **data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    _nothing_written()
