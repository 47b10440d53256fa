"""Attachments on a case: allow-listed types recognised by content, at most 20 MB,
images stored without metadata, files sealed outside the web root under random names,
downloads access-checked, audited and never cached; anonymising removes them."""

import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image
from pytest_django.fixtures import Settings

from safepath.audit.models import AuditEvent
from safepath.cases import attachment_files, attachment_services
from safepath.cases.attachment_services import MAX_ATTACHMENT_BYTES, attachment_upload, detect_type
from safepath.cases.models import Case, CaseAttachment
from safepath.cases.models.attachments import AttachmentType
from safepath.cases.retention_services import run_retention
from safepath.cases.services import CaseInvalid
from safepath.core.exceptions import NotAllowed
from tests.cases.retention_setup import close
from tests.conftest import Cast

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SECRET = b"Anna Kowalska, passport AB1234567"
GPS_LATITUDE = 2  # the GPSLatitude tag


@pytest.fixture(autouse=True)
def _private_dir(settings: Settings, tmp_path: Path) -> None:
    settings.SAFEPATH_PRIVATE_DIR = tmp_path / "private"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 12), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[GPS_LATITUDE] = (52.0, 13.0, 0.0)
    gps[3] = "E"
    gps[4] = (21.0, 0.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="'
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
            '"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _upload_url(case: Case) -> str:
    return f"/en/app/cases/{case.public_id}/attachments/"


def _download_url(case: Case, attachment: CaseAttachment) -> str:
    return f"{_upload_url(case)}{attachment.public_id}/"


def _post(client: Client, case: Case, name: str, data: bytes) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(_upload_url(case), {"attachment-file": upload})


def _on_disk(settings: Settings) -> list[Path]:
    directory = Path(settings.SAFEPATH_PRIVATE_DIR) / "attachments"
    return sorted(p for p in directory.glob("*") if p.is_file()) if directory.exists() else []


def _written() -> int:
    return AuditEvent.objects.exclude(action__startswith="auth.").count()


# --- types, by content ------------------------------------------------------------------


def test_types_are_recognised_by_content() -> None:
    assert detect_type(PDF) == AttachmentType.PDF
    assert detect_type(_png()) == AttachmentType.PNG
    assert detect_type(_jpeg_with_gps()) == AttachmentType.JPEG
    assert detect_type(b"Plain notes\nwith two lines.\n") == AttachmentType.TEXT
    assert detect_type("Zażółć gęślą jaźń".encode()) == AttachmentType.TEXT
    assert detect_type(_docx()) == AttachmentType.DOCX
    assert detect_type(_odt()) == AttachmentType.ODT
    for refused in (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,  # Windows exe
        b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  <svg onload=alert(1)>",
        b"#!/bin/sh\nrm -rf /\n",
        b"GIF89a\x01\x00\x01\x00",
        b"PK\x03\x04 not really a zip",
        b"plain\x00binary",
        b"",
    ):
        assert detect_type(refused) is None, refused[:12]


def test_a_pdf_and_a_png_are_added_and_sealed_under_random_names(
    cast: Cast, case_a: Case, login: Any, settings: Settings
) -> None:
    client = login(cast.caseworker_a)
    secret_pdf = PDF + b"%" + SECRET + b"\n"
    assert _post(client, case_a, "Anna passport.pdf", secret_pdf).status_code == 302
    assert _post(client, case_a, "photo.png", _png()).status_code == 302
    pdf, png = CaseAttachment.objects.order_by("pk")
    assert (pdf.content_type, pdf.original_name, pdf.size) == (
        "application/pdf",
        "Anna passport.pdf",
        len(secret_pdf),
    )
    assert png.content_type == "image/png"
    files = _on_disk(settings)
    assert [f.name for f in files] == sorted([pdf.stored_as.hex, png.stored_as.hex])
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600
        assert b"Anna" not in path.name.encode()
    sealed = attachment_files.path_of(pdf.stored_as).read_bytes()
    assert SECRET not in sealed
    assert b"%PDF" not in sealed
    assert attachment_files.read(pdf.stored_as) == secret_pdf
    # The original name is encrypted in the database too.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM cases_caseattachment WHERE id = %s", [pdf.pk])
        assert "Anna" not in cursor.fetchone()[0]
    # The case page lists them, with their names, to the caseworker.
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Anna passport.pdf" in page
    assert _download_url(case_a, pdf) in page
    assert AuditEvent.objects.filter(action="case.attachment_added").count() == 2


def test_a_file_named_pdf_that_is_an_executable_or_a_web_page_is_refused(
    cast: Cast, case_a: Case, login: Any, settings: Settings
) -> None:
    client = login(cast.caseworker_a)
    for data in (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
        b"<html><body><script>document.location='x'</script></body></html>",
    ):
        response = _post(client, case_a, "invoice.pdf", data)
        assert response.status_code == 302
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("not accepted" in m for m in messages), messages
    # Plain text named .pdf: an allowed type, but not the one its name says.
    with pytest.raises(CaseInvalid, match="does not match"):
        attachment_upload(actor=cast.caseworker_a, case=case_a, name="x.pdf", data=b"hello")
    assert CaseAttachment.objects.count() == 0
    assert _on_disk(settings) == []


def test_at_most_20_mb(
    cast: Cast, case_a: Case, login: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_ATTACHMENT_BYTES == 20 * 1024 * 1024
    too_big = PDF + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF))
    with pytest.raises(CaseInvalid, match="20 MB"):
        attachment_upload(actor=cast.caseworker_a, case=case_a, name="big.pdf", data=too_big)
    # Through the page, with a small limit: refused before it is read.
    monkeypatch.setattr(attachment_services, "MAX_ATTACHMENT_BYTES", 100)
    response = _post(login(cast.caseworker_a), case_a, "big.pdf", PDF + b"0" * 200)
    assert response.status_code == 302
    assert CaseAttachment.objects.count() == 0
    assert _on_disk(settings) == []


def test_a_photo_loses_its_exif_and_gps(cast: Cast, case_a: Case) -> None:
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)[GPS_LATITUDE]  # the test file has GPS
    attachment = attachment_upload(
        actor=cast.caseworker_a, case=case_a, name="IMG_0001.JPG", data=original
    )
    stored = attachment_files.read(attachment.stored_as)
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "JPEG"
        assert after.size == (16, 12)
        assert len(after.getexif()) == 0
        assert "exif" not in after.info
    assert b"PhoneMaker" not in stored
    assert b"Exif" not in stored


def test_download_is_an_uncached_audited_attachment(cast: Cast, case_a: Case, login: Any) -> None:
    attachment = attachment_upload(
        actor=cast.caseworker_a, case=case_a, name="zeznanie ł.pdf", data=PDF
    )
    response = login(cast.supervisor_a).get(_download_url(case_a, attachment))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''zeznanie%20%C5%82.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="case.attachment_downloaded")
    assert (event.actor_id, event.object_id) == (cast.supervisor_a.pk, str(case_a.public_id))
    assert event.detail == {"via": "web", "target": str(attachment.public_id)}
    assert "zeznanie" not in str(event.detail)


def test_a_name_without_extension_gets_the_types_on_download(
    cast: Cast, case_a: Case, login: Any
) -> None:
    attachment = attachment_upload(actor=cast.caseworker_a, case=case_a, name="scan", data=PDF)
    response = login(cast.caseworker_a).get(_download_url(case_a, attachment))
    assert 'filename="scan.pdf"' in response["Content-Disposition"]


# --- access -------------------------------------------------------------------------------


def test_outsiders_get_404_and_nothing_is_written(
    cast: Cast, case_a: Case, login: Any, settings: Settings
) -> None:
    attachment = attachment_upload(actor=cast.caseworker_a, case=case_a, name="a.pdf", data=PDF)
    events = _written()
    for user in (
        cast.caseworker_b,
        cast.caseworker_a_other_team,
        cast.hotline,
        cast.partner,
        cast.trainer,
        cast.admin,
    ):
        client = login(user)
        assert _post(client, case_a, "b.pdf", PDF).status_code == 404, user.username
        assert client.get(_download_url(case_a, attachment)).status_code == 404, user.username
    supervisor = login(cast.supervisor_a)
    missing = f"{_upload_url(case_a)}{uuid.uuid4()}/"
    assert supervisor.get(missing).status_code == 404
    assert supervisor.post(_download_url(case_a, attachment)).status_code == 405
    assert supervisor.get(_upload_url(case_a)).status_code == 405
    assert CaseAttachment.objects.count() == 1
    assert len(_on_disk(settings)) == 1
    # Only the supervisor's case reads (access_case) were written, no download.
    assert not AuditEvent.objects.filter(action="case.attachment_downloaded").exists()
    assert (
        _written() - events
        == AuditEvent.objects.filter(action="case.viewed", actor_id=cast.supervisor_a.pk).count()
    )
    with pytest.raises(NotAllowed):
        attachment_upload(actor=cast.caseworker_b, case=case_a, name="c.pdf", data=PDF)


def test_analyst_sees_that_there_are_attachments_but_cannot_open_or_add_them(
    cast: Cast, case_a: Case, login: Any
) -> None:
    attachment = attachment_upload(
        actor=cast.caseworker_a, case=case_a, name="Anna passport.pdf", data=PDF
    )
    events = _written()
    client = login(cast.analyst)
    assert client.get(_download_url(case_a, attachment)).status_code == 404
    assert _post(client, case_a, "b.pdf", PDF).status_code == 404
    assert _written() == events
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Anna passport" not in page
    assert _download_url(case_a, attachment) not in page
    assert "PDF document" in page
    assert CaseAttachment.objects.count() == 1


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case, settings: Settings
) -> None:
    attachment = attachment_upload(actor=cast.caseworker_a, case=case_a, name="a.pdf", data=PDF)
    events = AuditEvent.objects.count()
    for response in (
        _post(client, case_a, "b.pdf", PDF),
        client.get(_download_url(case_a, attachment)),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert AuditEvent.objects.count() == events
    assert CaseAttachment.objects.count() == 1
    assert len(_on_disk(settings)) == 1


# --- anonymised cases and retention ----------------------------------------------------------


def test_an_anonymised_case_refuses_uploads(
    cast: Cast, case_a: Case, login: Any, settings: Settings
) -> None:
    Case.objects.filter(pk=case_a.pk).update(anonymised_at=timezone.now())
    case_a.refresh_from_db()
    with pytest.raises(CaseInvalid, match="anonymised"):
        attachment_upload(actor=cast.caseworker_a, case=case_a, name="a.pdf", data=PDF)
    client = login(cast.caseworker_a)
    assert _post(client, case_a, "a.pdf", PDF).status_code == 302
    assert (
        'enctype="multipart/form-data"'
        not in client.get(case_a.get_absolute_url()).content.decode()
    )
    assert CaseAttachment.objects.count() == 0
    assert _on_disk(settings) == []


def test_retention_deletes_the_attachments_and_their_files(
    cast: Cast,
    case_a: Case,
    settings: Settings,
    django_capture_on_commit_callbacks: Any,
) -> None:
    kept_case = Case.objects.exclude(pk=case_a.pk).first()
    assert kept_case is None  # only the expiring case here
    for name, data in (("a.pdf", PDF), ("b.png", _png())):
        attachment_upload(actor=cast.caseworker_a, case=case_a, name=name, data=data)
    assert len(_on_disk(settings)) == 2
    case = close(cast, case_a, days_ago=1900)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_retention()
    assert result.cases == 1
    assert CaseAttachment.objects.count() == 0
    assert _on_disk(settings) == []
    event = AuditEvent.objects.get(action="case.anonymised", object_id=str(case.public_id))
    assert "attachments" in event.detail["fields"]
