"""Issue 5's acceptance: every demo service, as `/hsds/services/{id}` returns it,
validates against the HSDS schema, in every language; and the HSDS export of the demo
directory imports back into an empty directory with nothing new on a second import."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from safepath.directory.demo import load_demo_directory
from safepath.directory.models import DirectoryOrganization, Location, Service
from tests.directory.hsds_setup import schema_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_services() -> list[Service]:
    call_command("demo", "--people", "0", stdout=open("/dev/null", "w"))  # noqa: SIM115
    load_demo_directory()
    return list(Service.objects.filter(status__in=["active", "temporarily closed"]))


@pytest.mark.parametrize("locale", ["en", "pl", "uk", "ru"])
def test_every_demo_service_validates_against_the_hsds_schema(
    client: Client, demo_services: list[Service], locale: str
) -> None:
    assert len(demo_services) >= 55
    for service in demo_services:
        response = client.get(f"/hsds/services/{service.public_id}", {"locale": locale})
        assert response.status_code == 200, service.public_id
        body = response.json()
        assert schema_errors(body) == [], (service.public_id, schema_errors(body)[:3])
        assert body["name"]


def test_the_demo_directory_exported_imports_back_once(
    demo_services: list[Service], tmp_path: Path
) -> None:
    exported = tmp_path / "directory.json"
    call_command("directory", "export", "--output", str(exported), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(json.loads(exported.read_text(encoding="utf-8"))) == len(demo_services)
    names = {s.public_id: dict(s.name) for s in demo_services}
    # Into an empty directory.
    Service.objects.all().delete()
    Location.objects.all().delete()
    DirectoryOrganization.objects.all().delete()
    for expected in ({"created": len(demo_services)}, {"unchanged": len(demo_services)}):
        out = tmp_path / "out.txt"
        with out.open("w") as stream:
            call_command("directory", "import", str(exported), stdout=stream)
        summary = json.loads(out.read_text())
        assert {k: v for k, v in summary.items() if v} == expected
    assert {s.public_id: dict(s.name) for s in Service.objects.all()} == names
