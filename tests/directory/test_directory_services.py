"""The directory's writes: a service with its parts, the change log field by field,
who may change what (partner focal points: their own organisation's services only),
every bad input named with nothing written, verifying, and the 6-month reminder."""

import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from safepath.audit.models import AuditEvent
from safepath.core.exceptions import NotAllowed
from safepath.directory import provider_services, services
from safepath.directory.inputs import ProviderData, ServiceData
from safepath.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Language,
    Location,
    MetadataChange,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceCapacity,
)
from safepath.directory.quality import KIND, flag_unverified
from safepath.directory.validators import Invalid
from safepath.referrals.models import Notification
from tests.conftest import Cast

NINE, FIVE = datetime.time(9), datetime.time(17)


def provider(name: str = "Fundacja Testowa", organisation=None) -> DirectoryOrganization:  # type: ignore[no-untyped-def]
    return DirectoryOrganization.objects.create(
        public_id=uuid.uuid4(), name={"pl": name}, organisation=organisation
    )


def full_data(**changes: object) -> ServiceData:
    data = ServiceData(
        name={"en": "Shelter for women", "pl": "Schronisko dla kobiet", "uk": "Притулок для жінок"},
        description={"en": "Safe beds.", "pl": "Bezpieczne miejsca."},
        eligibility_description={"en": "Women with children."},
        application_process={"pl": "Na skierowanie."},
        transportation={"en": "Tram 4 to Centrum."},
        service_types=["shelter", "gbv_services"],
        groups=["women", "children"],
        minimum_age=0,
        maximum_age=99,
        street="ul. Przykładowa 1",
        city="Rzeszów",
        postal_code="35-959",
        voivodeship="18",
        area="18",
        phone="+48 17 000 00 01",
        languages=["pl", "uk"],
        hours={day: (NINE, FIVE) for day in ("MO", "TU", "WE", "TH", "FR")}
        | {"SA": (NINE, datetime.time(13))},
        capacity_available=3,
        capacity_maximum=10,
        capacity_unit={"en": "beds"},
        capacity_updated=timezone.localdate(),
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def make(cast: Cast, org: DirectoryOrganization | None = None, **changes: object) -> Service:
    return services.service_create(
        actor=cast.supervisor_a, organization=org or provider(), data=full_data(**changes)
    )


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Service,
            Location,
            Address,
            Phone,
            Schedule,
            Language,
            Attribute,
            ServiceArea,
            ServiceCapacity,
            MetadataChange,
            AuditEvent,
        )
    )


def test_create_writes_the_service_and_every_part(cast: Cast) -> None:
    service = make(cast)
    assert service.name == {
        "en": "Shelter for women",
        "pl": "Schronisko dla kobiet",
        "uk": "Притулок для жінок",
    }
    assert sorted(a.taxonomy_term.code for a in service.attributes.all()) == [
        "children",
        "gbv_services",
        "shelter",
        "women",
    ]
    address = Address.objects.get(location__service_at_locations__service=service)
    assert (address.address_1, address.city, address.postal_code) == (
        "ul. Przykładowa 1",
        "Rzeszów",
        "35-959",
    )
    assert address.location.voivodeship == "18"
    assert address.location.transportation == {"en": "Tram 4 to Centrum."}
    assert [p.number for p in service.phones.all()] == ["+48 17 000 00 01"]
    assert sorted(service.languages.values_list("code", flat=True)) == ["pl", "uk"]
    rules = sorted((s.byday, s.opens_at, s.closes_at) for s in service.schedules.all())
    assert rules == [
        ("MO,TU,WE,TH,FR", NINE, FIVE),
        ("SA", NINE, datetime.time(13)),
    ]
    assert all(s.freq == "WEEKLY" for s in service.schedules.all())
    assert [a.voivodeship for a in service.service_areas.all()] == ["18"]
    capacity = service.capacities.get()
    assert (capacity.available, capacity.maximum, capacity.unit_name) == (3, 10, {"en": "beds"})
    log = MetadataChange.objects.get()
    assert (log.resource_id, log.last_action_type, log.updated_by) == (
        service.public_id,
        "create",
        "supervisor.a",
    )
    event = AuditEvent.objects.get(action="directory.service_created")
    assert event.object_id == str(service.public_id)


def test_update_logs_only_the_fields_that_changed(cast: Cast) -> None:
    service = make(cast)
    before = MetadataChange.objects.count()
    changed = services.service_update(
        actor=cast.supervisor_a,
        service=service,
        data=full_data(
            name={
                "en": "Shelter for women",
                "pl": "Schronisko dla kobiet",
                "uk": "Притулок для жінок",
                "ru": "Приют для женщин",
            },
            city="Przemyśl",
            capacity_available=1,
            languages=["pl", "uk", "ru"],
        ),
    )
    assert sorted(changed) == [
        "address.city",
        "languages",
        "name.ru",
        "service_capacity.available",
    ]
    rows = {
        (c.resource_type, c.field_name): (c.previous_value, c.replacement_value, c.updated_by)
        for c in MetadataChange.objects.all()[: MetadataChange.objects.count() - before]
    }
    assert rows == {
        ("service", "name.ru"): ("", "Приют для женщин", "supervisor.a"),
        ("address", "city"): ("Rzeszów", "Przemyśl", "supervisor.a"),
        ("service_capacity", "available"): ("3", "1", "supervisor.a"),
        ("service", "languages"): ("pl, uk", "pl, ru, uk", "supervisor.a"),
    }
    event = AuditEvent.objects.get(action="directory.service_changed")
    assert event.detail == {"via": "web", "fields": changed}
    # The address kept its HSDS id: changed in place, not replaced.
    assert Address.objects.count() == 1


def test_saving_the_same_values_logs_nothing(cast: Cast) -> None:
    service = make(cast)
    before = counts()
    assert services.service_update(actor=cast.supervisor_a, service=service, data=full_data()) == []
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minimum_age": 18, "maximum_age": 12}, "maximum_age"),
        ({"minimum_age": -1}, "minimum_age"),
        ({"maximum_age": 300}, "maximum_age"),
        ({"voivodeship": "99"}, "voivodeship"),
        ({"area": "PL-14"}, "area"),
        ({"hours": {"MO": (FIVE, NINE)}}, "closes_MO"),
        ({"hours": {"TU": (NINE, NINE)}}, "closes_TU"),
        ({"capacity_available": -2}, "capacity_available"),
        ({"capacity_maximum": -1}, "capacity_maximum"),
        ({"capacity_available": 11, "capacity_maximum": 10}, "capacity_available"),
        ({"name": {}}, "name"),
        ({"name": {"xx": "Name"}}, "name"),
        ({"service_types": ["brothel"]}, "service_types"),
        ({"groups": ["everyone"]}, "groups"),
        ({"status": "open"}, "status"),
        ({"languages": ["polish!"]}, "languages"),
        ({"postal_code": ""}, "city"),
        (
            {"capacity_updated": timezone.localdate() + datetime.timedelta(days=1)},
            "capacity_updated",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    cast: Cast, changes: dict[str, object], field: str
) -> None:
    org = provider()
    before = counts()
    with pytest.raises(Invalid) as caught:
        services.service_create(
            actor=cast.supervisor_a, organization=org, data=full_data(**changes)
        )
    assert field in [e.field for e in caught.value.errors]
    assert counts() == before
    # And an update with the same input changes nothing either.
    service = make(cast, org)
    before = counts()
    with pytest.raises(Invalid):
        services.service_update(actor=cast.supervisor_a, service=service, data=full_data(**changes))
    assert counts() == before


def test_partner_changes_only_their_own_organisations_services(cast: Cast) -> None:
    own = make(cast, provider("Shelter", organisation=cast.partner_org))
    other = make(cast, provider("Other", organisation=cast.org_b))
    unlinked = make(cast, provider("Unlinked"))
    changed = services.service_update(
        actor=cast.partner, service=own, data=full_data(capacity_available=0)
    )
    assert changed == ["service_capacity.available"]
    services.service_verify(actor=cast.partner, service=own)
    for service in (other, unlinked):
        before = counts()
        with pytest.raises(NotAllowed):
            services.service_update(
                actor=cast.partner, service=service, data=full_data(capacity_available=0)
            )
        with pytest.raises(NotAllowed):
            services.service_verify(actor=cast.partner, service=service)
        assert counts() == before
    with pytest.raises(NotAllowed):
        services.service_create(
            actor=cast.partner, organization=other.organization, data=full_data()
        )
    # Their own provider takes new services from them.
    services.service_create(actor=cast.partner, organization=own.organization, data=full_data())


@pytest.mark.parametrize("who", ["caseworker_a", "caseworker_b", "analyst", "trainer", "hotline"])
def test_roles_without_directory_changes_are_refused_and_nothing_is_written(
    cast: Cast, who: str
) -> None:
    service = make(cast)
    actor = getattr(cast, who)
    before = counts()
    with pytest.raises(NotAllowed):
        services.service_update(actor=actor, service=service, data=full_data(city="Lublin"))
    with pytest.raises(NotAllowed):
        services.service_verify(actor=actor, service=service)
    with pytest.raises(NotAllowed):
        services.service_create(actor=actor, organization=service.organization, data=full_data())
    with pytest.raises(NotAllowed):
        provider_services.provider_create(actor=actor, data=ProviderData(name={"pl": "X"}))
    assert counts() == before


def test_verify_sets_today_and_the_assurer(cast: Cast) -> None:
    service = make(cast)
    Service.objects.filter(pk=service.pk).update(assured_date=datetime.date(2020, 1, 1))
    cast.supervisor_a.email = "marta@example.org"
    cast.supervisor_a.save()
    services.service_verify(actor=cast.supervisor_a, service=service)
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == "marta@example.org"
    row = MetadataChange.objects.get(field_name="assured_date")
    assert (row.previous_value, row.replacement_value) == ("2020-01-01", str(timezone.localdate()))
    assert AuditEvent.objects.filter(action="directory.service_verified").count() == 1


def test_removing_parts_logs_them_and_deletes_them(cast: Cast) -> None:
    service = make(cast)
    services.service_update(
        actor=cast.supervisor_a,
        service=service,
        data=full_data(
            phone="",
            capacity_available=None,
            capacity_maximum=None,
            capacity_updated=None,
            hours={},
        ),
    )
    assert (Phone.objects.count(), ServiceCapacity.objects.count(), Schedule.objects.count()) == (
        0,
        0,
        0,
    )
    fields = set(
        MetadataChange.objects.filter(last_action_type="update").values_list(
            "field_name", flat=True
        )
    )
    assert {"number", "available", "maximum", "schedules"} <= fields


def test_providers_are_created_and_changed_by_managers_with_a_log(cast: Cast) -> None:
    org = provider_services.provider_create(
        actor=cast.admin,
        data=ProviderData(name={"pl": "Fundacja Nowa"}, organisation=cast.partner_org),
    )
    changed = provider_services.provider_update(
        actor=cast.admin,
        organization=org,
        data=ProviderData(name={"pl": "Fundacja Nowa", "en": "New Foundation"}, organisation=None),
    )
    assert changed == ["name.en", "organisation"]
    rows = sorted(
        MetadataChange.objects.filter(
            resource_id=org.public_id, last_action_type="update"
        ).values_list("field_name", "previous_value", "replacement_value")
    )
    assert rows == [("name.en", "", "New Foundation"), ("organisation", "SHELTER", "")]
    with pytest.raises(Invalid) as caught:
        provider_services.provider_create(actor=cast.admin, data=ProviderData(name={}))
    assert [e.field for e in caught.value.errors] == ["name"]
    with pytest.raises(NotAllowed):
        provider_services.provider_update(
            actor=cast.partner, organization=org, data=ProviderData(name={"pl": "X"})
        )


# --- the 6-month reminder ------------------------------------------------------------


def test_flag_unverified_reminds_the_responsible_person_once_a_month(cast: Cast) -> None:
    stale = make(cast, responsible=cast.partner)
    fresh = make(cast, responsible=cast.partner)
    nobody = make(cast)
    today = timezone.localdate()
    Service.objects.filter(pk=stale.pk).update(assured_date=today - datetime.timedelta(days=184))
    Service.objects.filter(pk=fresh.pk).update(assured_date=today - datetime.timedelta(days=100))
    Service.objects.filter(pk=nobody.pk).update(assured_date=None)

    # Verified 100 days ago is not due; 184 days ago is.
    assert flag_unverified() == 1
    note = Notification.objects.get()
    assert (note.user, note.kind, note.detail) == (
        cast.partner,
        KIND,
        {"service": str(stale.public_id)},
    )
    assert note.url == f"/en/app/directory/services/{stale.public_id}/"
    # Again the same day, or three weeks later: no second reminder.
    assert flag_unverified() == 0
    assert flag_unverified(now=timezone.now() + datetime.timedelta(days=21)) == 0
    # A month later, still unverified: reminded again.
    assert flag_unverified(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_flag_unverified_skips_verified_and_inactive_people(cast: Cast) -> None:
    service = make(
        cast, provider("Shelter", organisation=cast.partner_org), responsible=cast.partner
    )
    Service.objects.filter(pk=service.pk).update(assured_date=None)
    cast.partner.is_active = False
    cast.partner.save()
    assert flag_unverified() == 0
    cast.partner.is_active = True
    cast.partner.save()
    services.service_verify(actor=cast.partner, service=service)
    assert flag_unverified() == 0
    assert Notification.objects.count() == 0


def test_the_command_flags_unverified_services(cast: Cast) -> None:
    stale = make(cast, responsible=cast.partner)
    Service.objects.filter(pk=stale.pk).update(
        assured_date=timezone.localdate() - datetime.timedelta(days=200)
    )
    out = io.StringIO()
    call_command("directory", "flag-unverified", stdout=out)
    assert json.loads(out.getvalue()) == {"flagged": 1}
    call_command("directory", "flag-unverified", stdout=out)
    assert out.getvalue().splitlines()[-1] == '{"flagged": 0}'


def test_editing_a_place_shared_with_another_provider_gives_this_service_its_own(
    cast: Cast,
) -> None:
    """An import can put two providers' services at one place; a partner editing their
    own service must not move the other provider's place."""
    own = make(cast, provider("Shelter", organisation=cast.partner_org))
    other = make(cast, provider("Other", organisation=cast.org_b))
    shared = own.service_at_locations.get().location
    other_link = other.service_at_locations.get()
    old_place = other_link.location
    other_link.location = shared
    other_link.save()
    old_place.delete()
    services.service_update(
        actor=cast.partner, service=own, data=full_data(street="ul. Zmieniona 9")
    )
    assert other.service_at_locations.get().location == shared
    assert shared.addresses.get().address_1 == "ul. Przykładowa 1"
    mine = own.service_at_locations.get().location
    assert mine != shared
    assert mine.addresses.get().address_1 == "ul. Zmieniona 9"
    # Saving without a change to the place keeps sharing it.
    services.service_update(actor=cast.supervisor_a, service=other, data=full_data())
    assert other.service_at_locations.get().location == shared


def test_emptying_every_place_field_removes_the_place(cast: Cast) -> None:
    service = make(cast)
    services.service_update(
        actor=cast.supervisor_a,
        service=service,
        data=full_data(street="", city="", postal_code="", voivodeship="", transportation={}),
    )
    assert not service.service_at_locations.exists()
    assert not Address.objects.exists()


def test_the_capacity_date_is_a_warsaw_day(cast: Cast) -> None:
    # Counted at 00:30 in Warsaw on 16 January, 23:30 UTC on the 15th: saving the same
    # Warsaw day keeps the time it was counted.
    service = make(cast)
    counted = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    ServiceCapacity.objects.filter(service=service).update(updated=counted)
    service.refresh_from_db()
    services.service_update(
        actor=cast.supervisor_a,
        service=service,
        data=full_data(capacity_updated=datetime.date(2026, 1, 16)),
    )
    assert ServiceCapacity.objects.get(service=service).updated == counted
