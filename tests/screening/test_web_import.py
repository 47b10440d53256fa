"""Importing offline submissions in the web app: a supervisor uploads an export, the
real worker (`db_worker`) checks it, the supervisor confirms, the worker imports it all
or nothing. The file waits encrypted and is deleted afterwards. Everyone else gets 404
and nothing changes."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from safepath.audit.models import AuditEvent
from safepath.people.models import Consent, Person
from safepath.screening import import_files
from safepath.screening.models import ImportJob, Screening
from tests.conftest import Cast
from tests.screening.test_import import _adult, _kobo

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/en/app/screenings/imports/"
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def private_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.SAFEPATH_PRIVATE_DIR = tmp_path / "private"
    return tmp_path / "private"


def _work() -> None:
    """Run the real background worker until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _export(*submissions: dict[str, str]) -> bytes:
    return json.dumps(
        {"count": len(submissions), "results": [_kobo(s) for s in submissions]}
    ).encode()


def _upload(client: Client, content: bytes, name: str = "safepath_screening.json") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def _job() -> ImportJob:
    return ImportJob.objects.get()


def _consented(number: int) -> dict[str, str]:
    return _adult(
        number,
        consent="yes",
        consent_method="oral_witnessed",
        given_name="Oksana",
        family_name="Melnyk",
    )


def test_upload_check_confirm_import(cast: Cast, login: Any, private_dir: Path) -> None:
    client = login(cast.supervisor_a)
    response = _upload(client, _export(_adult(1), _consented(2)))
    job = _job()
    assert response["Location"] == f"{URL}{job.public_id}/"
    assert job.status == Status.CHECKING
    # Waiting on disk, encrypted: the name of the consented person is not readable.
    sealed = import_files.sealed_path(job).read_bytes()
    assert b"Oksana" not in sealed
    assert b"Melnyk" not in sealed
    page = client.get(f"{URL}{job.public_id}/").content.decode()
    assert '<meta http-equiv="refresh"' in page

    _work()
    job.refresh_from_db()
    assert (job.status, job.rows) == (Status.READY, 2)
    assert not Screening.objects.exists()  # nothing before the confirmation
    page = client.get(f"{URL}{job.public_id}/").content.decode()
    assert "The file holds 2 submissions and every one is valid." in page

    client.post(f"{URL}{job.public_id}/confirm/")
    job.refresh_from_db()
    assert job.status == Status.IMPORTING
    _work()
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert (job.created_count, job.duplicates_count, job.people_count) == (2, 0, 1)
    assert Screening.objects.filter(organisation=cast.org_a, source="xlsform").count() == 2
    person = Person.objects.get()
    assert person.given_name == "Oksana"
    assert Consent.objects.get(person=person).given
    assert list(private_dir.joinpath("imports").iterdir()) == []  # the file is gone
    assert AuditEvent.objects.filter(
        action="screening_import.finished", object_id=str(job.public_id)
    ).exists()
    page = client.get(f"{URL}{job.public_id}/").content.decode()
    assert (
        "Screenings created: 2; already imported and skipped: 0; "
        "people registered with their consent: 1."
    ) in page
    assert "Oksana" not in page

    # The same file again: every submission is a duplicate.
    _upload(client, _export(_adult(1), _consented(2)))
    again = ImportJob.objects.exclude(pk=job.pk).get()
    _work()
    client.post(f"{URL}{again.public_id}/confirm/")
    _work()
    again.refresh_from_db()
    assert (again.status, again.created_count, again.duplicates_count) == (Status.DONE, 0, 2)
    assert Screening.objects.count() == 2


def test_a_file_with_a_bad_row_imports_nothing_and_names_it(
    cast: Cast, login: Any, private_dir: Path
) -> None:
    client = login(cast.supervisor_a)
    _upload(client, _export(_adult(1), _adult(2, site_type="market")))
    _work()
    job = _job()
    assert job.status == Status.INVALID
    assert job.problem_count == 1
    assert job.problems[0][0] == "submission 2 (00000000-0000-4000-8000-000000000002)"
    assert job.problems[0][1] == "site_type"
    page = client.get(f"{URL}{job.public_id}/").content.decode()
    assert "Nothing was imported" in page
    assert "market" in page
    assert client.post(f"{URL}{job.public_id}/confirm/").status_code == 302
    job.refresh_from_db()
    assert job.status == Status.INVALID
    _work()
    assert not Screening.objects.exists()
    assert list(private_dir.joinpath("imports").iterdir()) == []


def test_a_file_that_is_not_an_export_is_refused_clearly(cast: Cast, login: Any) -> None:
    client = login(cast.supervisor_a)
    _upload(client, b'{"results": [{"_uuid": "a", "site/site_type": ', name="export.json")
    _work()
    job = _job()
    assert job.status == Status.INVALID
    assert "not valid JSON" in job.message
    assert "/" not in job.message.split(":")[0]  # no path of the worker's temporary copy
    assert not Screening.objects.exists()


def test_an_empty_or_too_large_file_is_refused_before_anything_is_stored(
    cast: Cast, login: Any, settings: Settings
) -> None:
    client = login(cast.supervisor_a)
    response = _upload(client, b"   \n")
    assert "The file is empty." in response.content.decode()
    settings.SAFEPATH_IMPORT_MAX_BYTES = 1024
    response = _upload(client, b"[" + b" " * 2048 + b"]")
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_supervisor_can_cancel_a_checked_import(
    cast: Cast, login: Any, private_dir: Path
) -> None:
    client = login(cast.supervisor_a)
    _upload(client, _export(_adult(1)))
    _work()
    job = _job()
    client.post(f"{URL}{job.public_id}/cancel/")
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert list(private_dir.joinpath("imports").iterdir()) == []
    client.post(f"{URL}{job.public_id}/confirm/")
    _work()
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not Screening.objects.exists()


def test_who_may_not_import_gets_404_and_nothing_changes(cast: Cast, login: Any) -> None:
    client = login(cast.supervisor_a)
    _upload(client, _export(_adult(1)))
    _work()
    job = _job()
    urls = [
        URL,
        f"{URL}{job.public_id}/",
        f"{URL}{job.public_id}/confirm/",
        f"{URL}{job.public_id}/cancel/",
    ]
    for user in (
        cast.caseworker_a,
        cast.hotline,
        cast.analyst,
        cast.admin,
        cast.partner,
        cast.trainer,
    ):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert (
                client.post(
                    url, {"file": SimpleUploadedFile("x.json", _export(_adult(5)))}
                ).status_code
                == 404
            )
    # A supervisor of another organisation: the job does not exist for them.
    other = cast.caseworker_b
    other.role = "supervisor"
    other.save()
    client = login(other)
    assert client.get(urls[1]).status_code == 404
    for url in urls[2:]:
        assert client.post(url).status_code == 404
    _work()
    job.refresh_from_db()
    assert job.status == Status.READY
    assert ImportJob.objects.count() == 1
    assert not Screening.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_nothing_is_stored(client: Client, cast: Cast) -> None:
    response = _upload(client, _export(_adult(1)))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not ImportJob.objects.exists()


def test_problems_are_written_in_the_uploaders_language(cast: Cast, login: Any) -> None:
    cast.supervisor_a.language = "pl"
    cast.supervisor_a.save()
    client = login(cast.supervisor_a)
    client.post(
        "/pl/app/screenings/imports/",
        {"file": SimpleUploadedFile("e.json", _export(_adult(1, site_type="market")))},
    )
    _work()
    job = _job()
    assert job.status == Status.INVALID
    reason = job.problems[0][2]
    assert reason.startswith("'market' ")
    assert "is not one of" not in reason  # Polish, not English
