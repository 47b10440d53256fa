"""Loading a catalogue version from a file (administrators, page and command): checked
whole, stored, used at once by new screenings, never replacing a version; old
screenings still read back with the version they were assessed with."""

import json
from importlib import resources
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from safepath.audit.models import AuditEvent
from safepath.screening.catalogues import registry
from safepath.screening.models import CatalogueVersion, Screening
from safepath.screening.services import Location, screening_create
from tests.conftest import Cast

URL = "/en/app/screenings/catalogues/"
INDICATED = ["AL-DR-01", "AL-DR-02", "AL-EX-01", "AL-EX-02", "AL-CD-01", "AL-CD-02"]


def _builtin_al() -> str:
    data = resources.files("safepath.screening.indicators").joinpath("data")
    return data.joinpath("AL-2009-09.csv").read_text(encoding="utf-8")


def _new_al() -> str:
    """AL with AL-DR-01 made weak: a real change of the rules' input."""
    lines = _builtin_al().splitlines()
    lines[1] = lines[1].replace(
        "AL-DR-01,AL,adult,labour,DR,strong,", "AL-DR-01,AL,adult,labour,DR,weak,"
    )
    assert ",weak," in lines[1]
    return "\n".join(lines) + "\n"


def _national() -> str:
    return (
        "code,catalogue,population,exploitation,dimension,strength,label_en\n"
        "PL-DR-01,PL,adult,labour,DR,strong,Misled about the job\n"
        "PL-DR-02,PL,adult,labour,DR,strong,Misled about the pay\n"
        "PL-EX-01,PL,adult,labour,EX,strong,Excessive hours\n"
        "PL-EX-02,PL,adult,labour,EX,strong,No pay\n"
        "PL-CD-01,PL,adult,labour,CD,strong,Documents withheld\n"
        "PL-CD-02,PL,adult,labour,CD,strong,Debt bondage\n"
    )


def _upload(client: Client, text: str, *, code: str = "AL", version: str = "2026-01") -> Any:
    return client.post(
        URL,
        {
            "file": SimpleUploadedFile("AL-2026-01.csv", text.encode(), content_type="text/csv"),
            "code": code,
            "version": version,
            "provenance": "AL reviewed by the national referral mechanism, 2026",
        },
    )


def _screen(cast: Cast) -> Screening:
    return screening_create(
        actor=cast.caseworker_a,
        person=None,
        catalogue="AL",
        indicators=INDICATED,
        act=False,
        factors=[],
        needs=[],
        consent=None,
        location=Location(site_type="outreach"),
    )


def test_an_administrator_loads_a_new_version_and_new_screenings_use_it(
    cast: Cast, login: Any
) -> None:
    before = _screen(cast)
    assert before.catalogue_version == "2009-09"

    response = _upload(login(cast.admin), _new_al())
    assert response.status_code == 302
    stored = CatalogueVersion.objects.get()
    assert (stored.code, stored.version, stored.indicator_count) == ("AL", "2026-01", 67)
    assert stored.loaded_by == cast.admin
    assert registry().get("AL").version == "2026-01"
    assert AuditEvent.objects.filter(action="catalogue.loaded", object_id="AL@2026-01").count() == 1

    after = _screen(cast)
    assert after.catalogue_version == "2026-01"
    assert after.result["dimensions"]["DR"]["weak"] == 1
    # The old screening reads back exactly, with the version it was assessed with.
    before.refresh_from_db()
    assert before.reassess() == before.assessment()
    assert before.assessment().dimensions["DR"].strong == 1

    page = login(cast.admin).get(URL).content.decode()
    assert "2026-01" in page
    assert "loaded by admin.a" in page


def test_a_new_catalogue_needs_no_code_change(cast: Cast, login: Any) -> None:
    assert _upload(login(cast.admin), _national(), code="PL", version="2026-1").status_code == 302
    out = StringIO()
    call_command(
        "assess",
        "--catalogue",
        "PL",
        "--indicators",
        "PL-DR-01,PL-DR-02,PL-EX-01,PL-EX-02,PL-CD-01,PL-CD-02",
        "--format",
        "json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert (result["catalogue"], result["catalogue_version"]) == ("PL", "2026-1")
    assert result["trafficking_indicated"] is True


def test_a_bad_file_is_refused_with_every_problem_and_nothing_is_stored(
    cast: Cast, login: Any
) -> None:
    bad = _national().replace(
        "PL-EX-01,PL,adult,labour,EX,strong", "PL-EX-01,PL,adult,labour,XX,strongest"
    )
    bad += "PL-DR-01,PL,adult,labour,DR,strong,Duplicate\n"
    response = _upload(login(cast.admin), bad, code="PL")
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not loaded" in page
    assert "row 4" in page
    assert "row 8" in page
    assert not CatalogueVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="catalogue.loaded").exists()


@pytest.mark.parametrize(
    ("content", "version", "message"),
    [
        pytest.param(b"\xff\xfe\x00bad", "2026-01", "not UTF-8", id="not-utf8"),
        pytest.param(b"code,catalogue\n", "2026-01", "column", id="missing-columns"),
        pytest.param(None, "bad version!", "is not valid", id="bad-version"),
        pytest.param(None, "2009-09", "already there with other indicators", id="version-taken"),
    ],
)
def test_bad_uploads_are_named_and_nothing_is_stored(
    cast: Cast, login: Any, content: bytes | None, version: str, message: str
) -> None:
    client = login(cast.admin)
    response = client.post(
        URL,
        {
            "file": SimpleUploadedFile(
                "x.csv", content if content is not None else _new_al().encode()
            ),
            "code": "AL",
            "version": version,
            "provenance": "test",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CatalogueVersion.objects.exists()


def test_loading_the_same_version_again_changes_nothing(cast: Cast, login: Any) -> None:
    client = login(cast.admin)
    _upload(client, _new_al())
    response = _upload(client, _new_al())
    assert response.status_code == 302
    assert CatalogueVersion.objects.count() == 1
    # The built-in version itself, loaded as a file: already there.
    _upload(client, _builtin_al(), version="2009-09")
    assert CatalogueVersion.objects.count() == 1


def test_only_administrators_may_see_or_load_catalogues(cast: Cast, login: Any) -> None:
    for user in (
        cast.supervisor_a,
        cast.caseworker_a,
        cast.analyst,
        cast.partner,
        cast.trainer,
        cast.hotline,
    ):
        client = login(user)
        assert client.get(URL).status_code == 404
        assert _upload(client, _new_al()).status_code == 404
    assert not CatalogueVersion.objects.exists()
    assert registry().get("AL").version == "2009-09"


def test_anonymous_is_sent_to_sign_in_and_nothing_is_stored(client: Client, cast: Cast) -> None:
    response = _upload(client, _new_al())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not CatalogueVersion.objects.exists()


def test_the_command_loads_lists_and_refuses(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "AL-2026-01.csv"
    path.write_text(_new_al(), encoding="utf-8")
    out = StringIO()
    call_command(
        "catalogue",
        "load",
        str(path),
        "--catalogue",
        "AL",
        "--version",
        "2026-01",
        "--provenance",
        "reviewed 2026",
        "--as",
        "admin.a",
        stdout=out,
    )
    assert "Loaded catalogue AL version 2026-01 (67 indicators)." in out.getvalue()

    out = StringIO()
    call_command("catalogue", "list", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {(x["catalogue"], x["version"], x["current"]) for x in lines} >= {
        ("AL", "2009-09", False),
        ("AL", "2026-01", True),
        ("CL", "2009-09", True),
    }

    bad = tmp_path / "bad.csv"
    bad.write_text(_national().replace(",EX,", ",XX,"), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "catalogue",
            "load",
            str(bad),
            "--catalogue",
            "PL",
            "--version",
            "1",
            "--provenance",
            "x",
            "--as",
            "admin.a",
            stderr=err,
        )
    assert raised.value.returncode == 1
    assert "row 4" in err.getvalue()
    with pytest.raises(CommandError) as raised:
        call_command(
            "catalogue",
            "load",
            str(path),
            "--catalogue",
            "AL",
            "--version",
            "2026-02",
            "--provenance",
            "x",
            "--as",
            "caseworker.a",
        )
    assert raised.value.returncode == 2
    assert CatalogueVersion.objects.count() == 1
