"""Import and export of HSDS datasets: the specification's examples import, twice is
idempotent, bad data is refused whole with every error, export round-trips."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model

from safepath.directory import hsds_import
from safepath.directory.hsds_import import ImportFailed, import_data, import_file
from safepath.directory.management.commands.directory import export_services
from safepath.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
    MetadataChange,
    Phone,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from safepath.directory.taxonomies import ensure_taxonomies
from tests.directory.hsds_setup import DATA, build, schema_errors

pytestmark = pytest.mark.django_db

FULL = DATA / "service_full.json"
EXAMPLE_ID = "ac148810-d857-441c-9679-408f346de14b"


def counts() -> dict[str, int]:
    models: list[type[Model]] = [*hsds_import.ORDER, MetadataChange]
    return {model.__name__: model._default_manager.count() for model in models}


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("directory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_hsds_full_example_imports_and_a_second_import_changes_nothing() -> None:
    existing = counts()  # safepath's own taxonomies are there already (a migration)
    out, _err = run("import", str(FULL))
    assert json.loads(out) == {"created": 1, "updated": 0, "unchanged": 0}
    service = Service.objects.get(public_id=EXAMPLE_ID)
    assert service.name == {"en": "Community Counselling"}
    assert service.organization.name == {"en": "Example Organization Inc."}
    assert service.minimum_age == 12
    link = service.service_at_locations.get()
    assert link.location.addresses.get().city == "MyCity"
    assert service.attributes.get().taxonomy_term.taxonomy.code == "taxonomy"
    assert service.phones.get().extension == "100"
    assert service.schedules.get().timezone == "3"
    assert all(c.updated_by == "import" for c in MetadataChange.objects.all())
    assert MetadataChange.objects.filter(last_action_type="create").count() == sum(
        n - existing[name] for name, n in counts().items() if name != "MetadataChange"
    )
    before = counts()
    out, _err = run("import", str(FULL))
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts() == before


def test_the_imported_example_is_served_as_valid_hsds(client: Any) -> None:
    import_file(FULL)
    body = client.get(f"/hsds/services/{EXAMPLE_ID}").json()
    assert schema_errors(body) == []
    assert body["name"] == "Community Counselling"
    assert body["schedules"][0]["timezone"] == 3


def test_the_list_and_organization_examples_import() -> None:
    assert import_file(DATA / "service_list.json").as_dict() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    summary = import_file(DATA / "organization_full.json")
    assert summary.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    assert Service.objects.count() == 1
    assert import_file(DATA / "organization_full.json").as_dict()["unchanged"] == 1


def test_plain_texts_go_under_the_language_given_and_keep_the_others() -> None:
    import_file(FULL)
    data = json.loads(FULL.read_text())
    data["name"] = "Poradnia"
    assert import_data(data, language="pl").as_dict() == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    service = Service.objects.get(public_id=EXAMPLE_ID)
    assert service.name == {"en": "Community Counselling", "pl": "Poradnia"}
    change = MetadataChange.objects.get(
        last_action_type="update", field_name="name", resource_id=service.public_id
    )
    assert change.updated_by == "import"
    assert json.loads(change.replacement_value) == {"en": "Community Counselling", "pl": "Poradnia"}


def test_an_update_removes_what_the_service_no_longer_has() -> None:
    import_file(FULL)
    data = json.loads(FULL.read_text())
    data["phones"] = []
    import_data(data)
    service = Service.objects.get(public_id=EXAMPLE_ID)
    assert service.phones.count() == 0
    assert (
        MetadataChange.objects.filter(last_action_type="delete", resource_type="phone").count() == 1
    )


def test_terms_are_matched_by_taxonomy_and_code_and_unknown_ones_created() -> None:
    ensure_taxonomies()
    terms = TaxonomyTerm.objects.count()
    data = json.loads(FULL.read_text())
    data["attributes"] = [
        {
            "id": "11111111-1111-4111-8111-111111111111",
            "taxonomy_term": {
                "id": "22222222-2222-4222-8222-222222222222",
                "code": "shelter",
                "name": "Shelter",
                "description": "x",
                "taxonomy": "safepath-service-types",
            },
        }
    ]
    import_data(data)
    attribute = Attribute.objects.get()
    assert (attribute.taxonomy_term.taxonomy.code, attribute.taxonomy_term.code) == (
        "safepath-service-types",
        "shelter",
    )
    assert TaxonomyTerm.objects.count() == terms  # found, not created
    import_file(FULL)  # the example's own term: created under its own taxonomy
    assert TaxonomyTerm.objects.count() == terms + 1
    assert Taxonomy.objects.filter(code="taxonomy").count() == 1


def test_bad_services_are_refused_whole_with_every_error() -> None:
    good = json.loads(FULL.read_text())
    bad_schema = {**good, "id": "33333333-3333-4333-8333-333333333333", "status": "open"}
    bad_schema["minimum_age"] = "twelve"
    bad_rows = {
        **good,
        "id": "44444444-4444-4444-8444-444444444444",
        "organization": None,
        "organization_id": "55555555-5555-4555-8555-555555555555",
        "alternate_name": "x" * 300,
        "phones": [{"id": "66666666-6666-4666-8666-666666666666", "number": "1" * 60}],
    }
    del bad_rows["organization"]
    before = counts()
    with pytest.raises(ImportFailed) as caught:
        import_data({"contents": [good, bad_schema, bad_rows]})
    problems = [(p.item, p.pointer) for p in caught.value.problems]
    assert (1, "/minimum_age") in problems, problems
    assert (1, "/status") in problems
    assert (2, "/organization_id") in problems
    assert (2, "/alternate_name") in problems
    assert (2, "/phones/0/number") in problems
    assert all(p.item != 0 for p in caught.value.problems)
    assert caught.value.problems[0].service_id == "33333333-3333-4333-8333-333333333333"
    assert counts() == before


def test_the_command_reports_errors_on_stderr_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "not-a-uuid", "name": "X", "status": "active"}]))
    before = counts()
    with pytest.raises(CommandError) as caught:
        run("import", str(bad))
    assert caught.value.returncode == 1
    assert counts() == before


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b"42", b'"text"', b"[1, 2]"],
)
def test_a_file_that_is_not_an_hsds_dataset_writes_nothing(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("directory", "import", str(bad), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert err.getvalue().strip()
    assert counts() == before


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("import", str(tmp_path / "nothing.json"))


def test_export_then_import_into_an_empty_directory_round_trips(tmp_path: Path, cast: Any) -> None:
    build(responsible=cast.caseworker_a)
    output = tmp_path / "directory.json"
    out, _err = run("export", "--output", str(output))
    assert json.loads(out) == {"services": 3}
    exported = json.loads(output.read_text(encoding="utf-8"))
    for service in exported:
        assert schema_errors(service) == []
    shelter = next(s for s in exported if s["name"] == "Shelter for women")
    assert shelter["translations"]["name"]["uk"] == "Притулок для жінок"
    assert "responsible" not in output.read_text(encoding="utf-8")

    for model in reversed(hsds_import.ORDER):
        model._default_manager.all().delete()
    MetadataChange.objects.all().delete()
    out, _err = run("import", str(output))
    assert json.loads(out) == {"created": 3, "updated": 0, "unchanged": 0}
    assert json.loads(run("import", str(output))[0]) == {"created": 0, "updated": 0, "unchanged": 3}

    def stable(services: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in s.items() if k not in ("metadata", "last_modified")} for s in services
        ]

    assert stable(export_services(language="en")) == stable(exported)
    assert Location.objects.count() == 1
    assert DirectoryOrganization.objects.count() == 2
    assert Phone.objects.count() == 5  # the providers' own phones are not in a service


def test_a_capacity_time_without_an_offset_is_warsaws_and_reimports_unchanged() -> None:
    data = json.loads(FULL.read_text())
    data["capacities"] = [
        {
            "id": "0b1c3e0e-1f6c-4c7e-9a55-1e2f3a4b5c6d",
            "unit": {"id": "5a0b1c3e-1f6c-4c7e-9a55-1e2f3a4b5c6d", "name": "beds"},
            "available": 3,
            "maximum": 12,
            "updated": "2024-01-01T10:00:00",
        }
    ]
    assert import_data(data, language="en").as_dict()["created"] == 1
    assert import_data(data, language="en").as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
    }
    capacity = Service.objects.get(public_id=EXAMPLE_ID).capacities.get()
    assert capacity.updated.isoformat() == "2024-01-01T09:00:00+00:00"


def test_the_same_service_twice_at_one_place_is_a_clear_error_and_writes_nothing() -> None:
    data = json.loads(FULL.read_text())
    twice = dict(data["service_at_locations"][0])
    twice["id"] = "7d5e3f2a-1b4c-4d6e-8f90-a1b2c3d4e5f6"
    data["service_at_locations"].append(twice)
    with pytest.raises(ImportFailed) as failed:
        import_data(data, language="en")
    assert "same pair twice" in failed.value.problems[0].message
    assert not Service.objects.exists()
