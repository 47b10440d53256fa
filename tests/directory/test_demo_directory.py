"""The demo directory: about 60 services in the four voivodeships, in four languages
with a few visible gaps, some unverified for 6 months, partners linked; loading it
twice adds nothing."""

import pytest
from django.core.management import call_command

from safepath.accounts.models import Organisation
from safepath.directory.demo import load_demo_directory
from safepath.directory.models import (
    DirectoryOrganization,
    Location,
    MetadataChange,
    Service,
    ServiceArea,
    ServiceCapacity,
)
from safepath.directory.selectors import is_unverified
from safepath.directory.validators import validate_service


@pytest.mark.django_db
def test_the_demo_directory_loads_once_and_covers_the_four_voivodeships() -> None:
    kcik = Organisation.objects.create(code="KCIK", name="KCIK", type="service_provider")
    assert load_demo_directory() == 62
    counts = (
        Service.objects.count(),
        DirectoryOrganization.objects.count(),
        MetadataChange.objects.count(),
    )
    assert counts == (62, 18, 62)
    assert load_demo_directory() == 0
    assert (
        Service.objects.count(),
        DirectoryOrganization.objects.count(),
        MetadataChange.objects.count(),
    ) == counts

    for voivodeship, at_least in (("14", 12), ("18", 14), ("12", 10), ("06", 12)):
        located = Service.objects.filter(
            service_at_locations__location__voivodeship=voivodeship
        ).distinct()
        assert located.count() >= at_least, voivodeship
    national = ServiceArea.objects.filter(voivodeship="").count()
    assert national == 7  # KCIK (2), La Strada, 112, the info line, Lambda, a helpline
    assert Location.objects.exclude(voivodeship__in=["14", "18", "12", "06"]).count() == 0

    services = list(Service.objects.all())
    for service in services:
        assert set(service.name) == {"en", "pl", "uk", "ru"}
        assert service.eligibility_description.keys() == {"en", "pl", "uk", "ru"}
    gaps = [s for s in services if set(s.description) != {"en", "pl", "uk", "ru"}]
    gaps += [s for s in services if set(s.application_process) != {"en", "pl", "uk", "ru"}]
    assert 4 <= len(gaps) <= 15
    stale = [s for s in services if is_unverified(s)]
    assert 3 <= len(stale) <= 8
    assert ServiceCapacity.objects.count() >= 8
    # The real organisations under their names; KCIK reaches its partner focal points.
    provider = DirectoryOrganization.objects.get(name__en__startswith="KCIK")
    assert provider.organisation == kcik
    assert provider.services.count() == 2
    assert Service.objects.filter(phones__number="112").count() == 1
    assert Service.objects.filter(phones__number="+48 22 490 20 44").count() == 1


@pytest.mark.django_db
def test_the_demo_command_loads_the_directory() -> None:
    from io import StringIO

    call_command("demo", "--people", "0", stdout=StringIO())
    assert Service.objects.count() == 62
    kcik = DirectoryOrganization.objects.get(name__en__startswith="KCIK").organisation
    assert kcik is not None
    assert kcik.code == "KCIK"
    assert Service.objects.filter(responsible__username="partner.kcik").count() == 2


def test_every_demo_entry_is_valid_input() -> None:
    """The demo goes through the same validation as the form (checked when loading
    too; this names the entry when one is wrong)."""
    from safepath.directory.demo import ENTRIES, PROVIDERS, _data

    providers = {p.key: p for p in PROVIDERS}
    for index, entry in enumerate(ENTRIES):
        assert validate_service(_data(index, entry, providers[entry.provider], None)) == [], (
            entry.key
        )
