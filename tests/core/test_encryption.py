"""Identity fields at rest: ciphertext only, fail closed, key rotation, blind indexes."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from safepath.accounts.services import token_issue
from safepath.core import crypto
from safepath.core.crypto import DecryptionError, blind_index
from safepath.core.fields import EncryptedDateField, EncryptedTextField
from safepath.people import selectors, services
from safepath.people.models import Person
from tests.conftest import Cast

ENCRYPTED_COLUMNS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "phone",
    "document_number",
    "address",
    "notes",
)


def _raw(person: Person, column: str) -> str | None:
    """The stored value of one column, read past the ORM."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [person.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    value: str | None = row[0]
    return value


def _new_key() -> str:
    return Fernet.generate_key().decode("ascii")


@pytest.fixture
def full_person(cast: Cast) -> Person:
    return services.person_create(
        actor=cast.caseworker_a,
        data={
            "given_name": "Svitlana",
            "family_name": "Hrytsenko",
            "date_of_birth": datetime.date(1979, 11, 23),
            "phone": "+48601234599",
            "document_number": "FX9988776",
            "address": "Hotel Polonia, Warszawa",
            "notes": "Recruiter took her passport.",
        },
    )


# --- at rest ------------------------------------------------------------------


def test_raw_columns_hold_fernet_tokens_not_plaintext(full_person: Person) -> None:
    plaintext = {
        "given_name": "Svitlana",
        "family_name": "Hrytsenko",
        "date_of_birth": "1979-11-23",
        "phone": "601234599",
        "document_number": "FX9988776",
        "address": "Polonia",
        "notes": "passport",
    }
    for column in ENCRYPTED_COLUMNS:
        stored = _raw(full_person, column)
        assert stored is not None
        assert stored.startswith("gAAAAA"), column
        assert plaintext[column] not in stored, column
    # ...and the ORM reads them back.
    fresh = Person.objects.get(pk=full_person.pk)
    assert fresh.given_name == "Svitlana"
    assert fresh.date_of_birth == datetime.date(1979, 11, 23)


def test_same_value_encrypts_differently_each_time(cast: Cast) -> None:
    one = services.person_create(actor=cast.caseworker_a, data={"given_name": "Anna"})
    two = services.person_create(actor=cast.caseworker_a, data={"given_name": "Anna"})
    assert _raw(one, "given_name") != _raw(two, "given_name")


def test_empty_identity_is_stored_empty(cast: Cast) -> None:
    person = services.person_create(actor=cast.caseworker_a, data={"sex": "male"})
    assert _raw(person, "given_name") == ""
    assert _raw(person, "date_of_birth") is None


# --- fail closed ---------------------------------------------------------------


def test_wrong_key_raises_decryption_error_never_ciphertext(
    settings: SettingsWrapper, full_person: Person
) -> None:
    settings.SAFEPATH_FIELD_KEYS = [_new_key()]
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=full_person.pk)
    with pytest.raises(DecryptionError):
        list(Person.objects.values_list("phone", flat=True))
    with pytest.raises(DecryptionError):
        list(Person.objects.values_list("date_of_birth", flat=True))
    # Columns that are not encrypted still read.
    assert list(Person.objects.values_list("code", flat=True)) == [full_person.code]


def test_wrong_key_fails_the_page_and_the_api_instead_of_showing_ciphertext(
    settings: SettingsWrapper, client: Client, cast: Cast, full_person: Person
) -> None:
    raw, _token = token_issue(user=cast.caseworker_a)
    settings.SAFEPATH_FIELD_KEYS = [_new_key()]
    client.force_login(cast.caseworker_a)
    with pytest.raises(DecryptionError):
        client.get(full_person.get_absolute_url())
    with pytest.raises(DecryptionError):
        client.get(
            f"/api/v1/people/{full_person.public_id}", headers={"Authorization": f"Bearer {raw}"}
        )


def test_no_key_at_all_fails_closed(settings: SettingsWrapper, full_person: Person) -> None:
    settings.SAFEPATH_FIELD_KEYS = []
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=full_person.pk)
    with pytest.raises(DecryptionError):
        crypto.encrypt("anything")


@pytest.mark.parametrize("stored", ["Svitlana", "gAAAAAtampered", "Світлана", ""])
def test_decrypt_of_anything_but_a_valid_token_raises(stored: str) -> None:
    if stored == "":
        # Empty strings never reach decrypt (the field short-cuts them); a bare call still fails.
        with pytest.raises(DecryptionError):
            crypto.decrypt(stored)
        return
    with pytest.raises(DecryptionError):
        crypto.decrypt(stored)


def test_tampered_token_raises(settings: SettingsWrapper) -> None:
    token = crypto.encrypt("Svitlana")
    flipped = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    with pytest.raises(DecryptionError):
        crypto.decrypt(flipped)


# --- key rotation -------------------------------------------------------------


def test_rotation_reencrypts_everything_so_the_old_key_can_go(
    settings: SettingsWrapper, cast: Cast, full_person: Person, person_a: Person
) -> None:
    old_keys = list(settings.SAFEPATH_FIELD_KEYS)
    new_key = _new_key()
    before = {column: _raw(full_person, column) for column in ENCRYPTED_COLUMNS}

    settings.SAFEPATH_FIELD_KEYS = [new_key, *old_keys]
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:7] == [
        "people.Person.given_name: 2 rotated",
        "people.Person.family_name: 2 rotated",
        "people.Person.date_of_birth: 1 rotated",
        "people.Person.phone: 2 rotated",
        "people.Person.document_number: 1 rotated",
        "people.Person.address: 1 rotated",
        "people.Person.notes: 1 rotated",
    ]
    # Every other encrypted field of every model is visited too (none holds a value here).
    others = {
        f"{model._meta.label}.{field.name}: 0 rotated"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField | EncryptedDateField)
        and model._meta.label != "people.Person"
    }
    assert set(lines[7:-1]) == others
    assert "cases.CaseNote.text: 0 rotated" in others
    assert lines[-1] == "Re-encrypted 10 values under the primary key."
    for column in ENCRYPTED_COLUMNS:
        assert _raw(full_person, column) != before[column]

    settings.SAFEPATH_FIELD_KEYS = [new_key]
    fresh = Person.objects.get(pk=full_person.pk)
    assert (fresh.given_name, fresh.phone, fresh.date_of_birth, fresh.notes) == (
        "Svitlana",
        "+48601234599",
        datetime.date(1979, 11, 23),
        "Recruiter took her passport.",
    )
    assert Person.objects.get(pk=person_a.pk).family_name == "Melnyk"
    # The old key alone no longer opens anything.
    settings.SAFEPATH_FIELD_KEYS = old_keys
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=full_person.pk)


def test_rotation_leaves_timestamps_versions_and_indexes_alone(
    settings: SettingsWrapper, full_person: Person
) -> None:
    before = (
        Person.objects.filter(pk=full_person.pk)
        .values("updated_at", "version", "name_index", "phone_index")
        .get()
    )
    settings.SAFEPATH_FIELD_KEYS = [_new_key(), *settings.SAFEPATH_FIELD_KEYS]
    call_command("rotate_keys", stdout=io.StringIO())
    after = (
        Person.objects.filter(pk=full_person.pk)
        .values("updated_at", "version", "name_index", "phone_index")
        .get()
    )
    assert after == before


def test_rotation_in_small_batches_covers_every_row(settings: SettingsWrapper, cast: Cast) -> None:
    people = [
        services.person_create(actor=cast.caseworker_a, data={"given_name": f"Name{i}"})
        for i in range(7)
    ]
    new_key = _new_key()
    settings.SAFEPATH_FIELD_KEYS = [new_key, *settings.SAFEPATH_FIELD_KEYS]
    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "3", stdout=out)
    assert "people.Person.given_name: 7 rotated" in out.getvalue().splitlines()
    settings.SAFEPATH_FIELD_KEYS = [new_key]
    assert sorted(Person.objects.values_list("given_name", flat=True)) == sorted(
        p.given_name for p in people
    )


def test_rotation_is_idempotent(settings: SettingsWrapper, full_person: Person) -> None:
    new_key = _new_key()
    settings.SAFEPATH_FIELD_KEYS = [new_key, *settings.SAFEPATH_FIELD_KEYS]
    call_command("rotate_keys", stdout=io.StringIO())
    call_command("rotate_keys", stdout=io.StringIO())
    settings.SAFEPATH_FIELD_KEYS = [new_key]
    assert Person.objects.get(pk=full_person.pk).given_name == "Svitlana"


@pytest.mark.parametrize("legacy", ["Svitlana", "Світлана"])
def test_rotation_stops_on_a_value_no_key_opens_and_names_the_row_not_the_value(
    settings: SettingsWrapper, full_person: Person, legacy: str
) -> None:
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET given_name = %s WHERE id = %s",  # noqa: S608
            [legacy, full_person.pk],
        )
    phone_before = _raw(full_person, "phone")
    settings.SAFEPATH_FIELD_KEYS = [_new_key(), *settings.SAFEPATH_FIELD_KEYS]

    with pytest.raises(CommandError) as failure:
        call_command("rotate_keys", stdout=io.StringIO())

    message = str(failure.value)
    assert f"people.Person.given_name of row {full_person.pk}" in message
    assert legacy not in message
    # The batch rolled back: the other fields of the row are untouched.
    assert _raw(full_person, "phone") == phone_before
    assert _raw(full_person, "given_name") == legacy


def test_rotation_refuses_a_zero_batch() -> None:
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_keys", "--batch-size", "0", stdout=io.StringIO())


def test_rotation_on_an_empty_database_reports_zero(db: None) -> None:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Re-encrypted 0 values under the primary key."


# --- blind index --------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "Oksana Melnyk",
        "oksana melnyk",
        "  OKSANA   MELNYK  ",
        "Oksana\tMelnyk",
        "Ｏｋｓａｎａ Melnyk",
    ],
)
def test_blind_index_ignores_case_width_and_spacing(variant: str) -> None:
    assert blind_index(variant, kind="name") == blind_index("Oksana Melnyk", kind="name")


def test_blind_index_differs_by_kind_by_value_and_by_key(settings: SettingsWrapper) -> None:
    value = "+48601234567"
    as_name = blind_index(value, kind="name")
    as_phone = blind_index(value, kind="phone")
    assert as_name != as_phone
    assert blind_index("+48601234568", kind="phone") != as_phone
    assert blind_index("Oksana Melnik", kind="name") != blind_index("Oksana Melnyk", kind="name")
    settings.SAFEPATH_BLIND_INDEX_KEY = "another-key-entirely"
    assert blind_index(value, kind="phone") != as_phone


def test_blind_index_is_a_keyed_hash_not_the_value(person_a: Person) -> None:
    assert len(person_a.name_index) == len(person_a.phone_index) == 64
    assert person_a.name_index == selectors.name_index_for("oksana", "MELNYK")
    assert person_a.phone_index == selectors.phone_index_for("+48601234567")
    assert "oksana" not in person_a.name_index
    assert person_a.name_index != person_a.phone_index


def test_blind_index_follows_an_edit(cast: Cast, person_a: Person) -> None:
    old_index = person_a.name_index
    updated = services.person_update(
        actor=cast.caseworker_a, person=person_a, data={"family_name": "Koval"}
    )
    assert updated.name_index == selectors.name_index_for("Oksana", "Koval")
    assert updated.name_index != old_index
    assert (
        list(selectors.search_people(cast.caseworker_a, full_name="Oksana Melnyk", via="test"))
        == []
    )
    assert list(
        selectors.search_people(cast.caseworker_a, full_name="oksana koval", via="test")
    ) == [updated]
