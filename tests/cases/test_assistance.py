"""Direct assistance: the service, the case page's section and the assistance page; who
gets 404 with nothing written; every input's bad value."""

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepath.audit.models import AuditEvent
from safepath.cases import assistance_services as services
from safepath.cases.assistance_schemas import AssistanceKindCode
from safepath.cases.models import (
    Assistance,
    AssistanceKind,
    Case,
    CaseEvent,
    StockMovement,
)
from safepath.core.exceptions import NotAllowed
from safepath.people.models import Person
from tests.cases.assistance_setup import balance, today, tomorrow, warehouse_a, warehouse_b
from tests.conftest import Cast


def _url(case: Case) -> str:
    return f"/en/app/cases/{case.public_id}/assistance/"


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "hygiene_kit",
        "quantity": "2",
        "given_on": today().isoformat(),
        "provider": "",
        "warehouse": "",
    }
    data.update(changes)
    return data


def _nothing_written() -> None:
    assert Assistance.objects.count() == 0
    assert StockMovement.objects.filter(movement="issue").count() == 0
    assert not AuditEvent.objects.filter(action="assistance.recorded").exists()


# --- the service ----------------------------------------------------------------------


def test_record_for_a_case_with_the_timeline_and_an_audit_event_without_values(
    cast: Cast, case_a: Case
) -> None:
    assistance = services.assistance_record(
        actor=cast.caseworker_a, case=case_a, kind="mhpss_session", quantity=1, given_on=today()
    )
    assert (assistance.person, assistance.case, assistance.provider) == (
        case_a.person,
        case_a,
        cast.org_a,
    )
    assert (assistance.organisation, assistance.team, assistance.created_by) == (
        cast.org_a,
        cast.team_a,
        cast.caseworker_a,
    )
    line = CaseEvent.objects.get(case=case_a, kind="assistance")
    assert line.detail == {"kind": "mhpss_session", "quantity": 1}
    event = AuditEvent.objects.get(action="assistance.recorded")
    assert (event.object_id, event.detail) == (
        str(assistance.public_id),
        {"via": "web", "target": "mhpss_session", "count": 1},
    )


def test_record_for_a_person_without_a_case_and_by_a_partner_provider(
    cast: Cast, person_a: Person
) -> None:
    assistance = services.assistance_record(
        actor=cast.caseworker_a,
        person=person_a,
        kind="shelter_nights",
        quantity=3,
        given_on=today(),
        provider=cast.partner_org,
    )
    assert (assistance.case, assistance.provider, assistance.team) == (
        None,
        cast.partner_org,
        cast.team_a,
    )
    assert not CaseEvent.objects.filter(kind="assistance").exists()


def test_an_issue_from_stock_lowers_the_balance_and_is_linked_to_the_record(
    cast: Cast, case_a: Case
) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    assistance = services.assistance_record(
        actor=cast.caseworker_a,
        case=case_a,
        kind="hygiene_kit",
        quantity=3,
        given_on=today(),
        warehouse=store,
    )
    assert balance(store, "hygiene_kit") == 2
    issue = StockMovement.objects.get(movement="issue")
    assert (issue.assistance, issue.quantity, issue.balance_after, issue.warehouse) == (
        assistance,
        3,
        2,
        store,
    )
    assert (
        AuditEvent.objects.filter(action="stock.issue", object_id=str(store.public_id)).count() == 1
    )


def test_not_enough_stock_names_the_item_and_writes_nothing(cast: Cast, case_a: Case) -> None:
    store = warehouse_a(cast, hygiene_kit=2)
    with pytest.raises(services.Invalid) as caught:
        services.assistance_record(
            actor=cast.caseworker_a,
            case=case_a,
            kind="hygiene_kit",
            quantity=3,
            given_on=today(),
            warehouse=store,
        )
    assert [(e.field, e.detail) for e in caught.value.errors] == [
        (
            "stock_issue",
            "Not enough Hygiene kit in Warsaw store: 2 in stock, 3 asked. Nothing was saved.",
        )
    ]
    assert balance(store, "hygiene_kit") == 2
    _nothing_written()
    assert not CaseEvent.objects.filter(kind="assistance").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "blanket"}, "kind"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -4}, "quantity"),
        ({"quantity": 100_001}, "quantity"),
        ({"quantity": "3"}, "quantity"),
        ({"given_on": "yesterday"}, "given_on"),
        ({"given_on": "tomorrow"}, "given_on"),
        ({"kind": "food", "warehouse": "store"}, "stock_issue"),
        ({"provider": "inactive"}, "provider"),
        ({"provider": "partner", "warehouse": "store"}, "provider"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: Cast, case_a: Case, changes: dict[str, Any], field: str
) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    arguments: dict[str, Any] = {"kind": "hygiene_kit", "quantity": 1, "given_on": today()}
    arguments.update(changes)
    if arguments["given_on"] == "tomorrow":
        arguments["given_on"] = tomorrow()
    if arguments.get("warehouse") == "store":
        arguments["warehouse"] = store
    if arguments.get("provider") == "partner":
        arguments["provider"] = cast.partner_org
    elif arguments.get("provider") == "inactive":
        cast.partner_org.is_active = False
        cast.partner_org.save()
        arguments["provider"] = cast.partner_org
    with pytest.raises(services.Invalid) as caught:
        services.assistance_record(actor=cast.caseworker_a, case=case_a, **arguments)
    assert field in [error.field for error in caught.value.errors]
    assert balance(store, "hygiene_kit") == 5
    _nothing_written()


def test_a_closed_case_takes_no_more_assistance(cast: Cast, case_a: Case) -> None:
    Case.objects.filter(pk=case_a.pk).update(status="Closed")
    case_a.refresh_from_db()
    with pytest.raises(services.Invalid) as caught:
        services.assistance_record(
            actor=cast.caseworker_a, case=case_a, kind="food", quantity=1, given_on=today()
        )
    assert [e.field for e in caught.value.errors] == ["case"]
    _nothing_written()


def test_out_of_reach_case_person_or_warehouse_is_not_allowed_and_writes_nothing(
    cast: Cast, case_a: Case, person_a: Person
) -> None:
    foreign = warehouse_b(cast, hygiene_kit=5)
    attempts: list[dict[str, Any]] = [
        {"actor": cast.caseworker_b, "case": case_a},
        {"actor": cast.caseworker_a_other_team, "case": case_a},
        {"actor": cast.caseworker_b, "person": person_a},
        {"actor": cast.analyst, "case": case_a},
        {"actor": cast.hotline, "person": person_a},
        {"actor": cast.caseworker_a, "case": case_a, "warehouse": foreign},
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            services.assistance_record(kind="hygiene_kit", quantity=1, given_on=today(), **attempt)
    assert balance(foreign, "hygiene_kit") == 5
    _nothing_written()


def test_api_codes_match_the_model_choices() -> None:
    assert list(AssistanceKindCode.__args__) == AssistanceKind.values  # type: ignore[attr-defined]


# --- pages ----------------------------------------------------------------------------


def test_record_from_stock_on_the_page_and_see_it_on_the_case(
    cast: Cast, case_a: Case, login: Any
) -> None:
    store = warehouse_a(cast, hygiene_kit=3)
    client = login(cast.caseworker_a)
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert f'href="{_url(case_a)}"' in page
    assert "Record assistance" in page
    form = client.get(_url(case_a)).content.decode()
    assert "<fieldset>" in form
    assert "<legend>What was given</legend>" in form
    response = client.post(_url(case_a), _form(quantity="3", warehouse=str(store.pk)))
    assert response.status_code == 302
    assert response["Location"] == _url(case_a)
    assert balance(store, "hygiene_kit") == 0
    assistance = Assistance.objects.get()
    assert (assistance.kind, assistance.quantity, assistance.provider) == (
        "hygiene_kit",
        3,
        cast.org_a,
    )
    listing = client.get(_url(case_a)).content.decode()
    assert "Assistance recorded." in listing
    assert "Warsaw store" in listing
    section = client.get(case_a.get_absolute_url()).content.decode()
    assert "1 record" in section
    assert "Hygiene kit" in section


def test_low_stock_is_shown_after_an_issue(cast: Cast, case_a: Case, login: Any) -> None:
    store = warehouse_a(cast, nfi_kit=5)
    services.stock_set_threshold(
        actor=cast.supervisor_a, warehouse=store, kind="nfi_kit", threshold=3
    )
    client = login(cast.caseworker_a)
    client.post(_url(case_a), _form(kind="nfi_kit", quantity="3", warehouse=str(store.pk)))
    page = client.get(_url(case_a)).content.decode()
    assert "Low stock: 2 × Non-food item kit left in Warsaw store." in page


def test_bad_input_on_the_page_names_the_field_and_writes_nothing(
    cast: Cast, case_a: Case, login: Any
) -> None:
    store = warehouse_a(cast, hygiene_kit=1)
    foreign = warehouse_b(cast, hygiene_kit=9)
    client = login(cast.caseworker_a)
    for changes, message in (
        ({"kind": ""}, "This field is required."),
        ({"kind": "blanket"}, "Select a valid choice."),
        ({"quantity": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"quantity": "many"}, "Enter a whole number."),
        ({"given_on": tomorrow().isoformat()}, "The date cannot be in the future."),
        ({"given_on": "31/02/2026"}, "Enter a valid date."),
        ({"provider": "999999"}, "Select a valid choice."),
        ({"warehouse": str(foreign.pk)}, "Select a valid choice."),
        ({"kind": "food", "warehouse": str(store.pk)}, "Only non-food item kits and hygiene kits"),
        ({"quantity": "2", "warehouse": str(store.pk)}, "Not enough Hygiene kit in Warsaw store"),
    ):
        response = client.post(_url(case_a), _form(**changes))
        assert response.status_code == 200, changes
        page = response.content.decode()
        assert "Nothing has been saved yet." in page, changes
        assert message in page, changes
    assert balance(store, "hygiene_kit") == 1
    assert balance(foreign, "hygiene_kit") == 9
    _nothing_written()


def test_a_closed_case_shows_no_form_and_a_post_writes_nothing(
    cast: Cast, case_a: Case, login: Any
) -> None:
    Case.objects.filter(pk=case_a.pk).update(status="Closed")
    client = login(cast.caseworker_a)
    page = client.get(_url(case_a)).content.decode()
    assert "This case is closed: no more assistance can be recorded for it." in page
    assert "Record the assistance" not in page
    response = client.post(_url(case_a), _form())
    assert response.status_code == 200
    assert "This case is closed" in response.content.decode()
    _nothing_written()


def test_the_assistance_list_does_not_grow_in_queries_with_rows(
    cast: Cast, case_a: Case, login: Any
) -> None:
    store = warehouse_a(cast, hygiene_kit=20)
    client = login(cast.caseworker_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(case_a)).status_code == 200
        return len(queries)

    client.get(_url(case_a))  # the session's first request does more
    services.assistance_record(
        actor=cast.caseworker_a, case=case_a, kind="food", quantity=1, given_on=today()
    )
    one = count()
    for _n in range(5):
        services.assistance_record(
            actor=cast.caseworker_a,
            case=case_a,
            kind="hygiene_kit",
            quantity=1,
            given_on=today(),
            warehouse=store,
        )
    assert count() == one


def test_analyst_reads_the_assistance_without_identity_and_cannot_record(
    cast: Cast, case_a: Case, login: Any
) -> None:
    services.assistance_record(
        actor=cast.caseworker_a, case=case_a, kind="legal_counselling", quantity=2, given_on=today()
    )
    client = login(cast.analyst)
    page = client.get(_url(case_a)).content.decode()
    assert "Legal counselling (sessions)" in page
    assert case_a.person.code in page
    for word in ("Oksana", "Melnyk", "Record the assistance"):
        assert word not in page
    section = client.get(case_a.get_absolute_url()).content.decode()
    assert "All assistance" in section
    viewed = AuditEvent.objects.filter(action="case.viewed").count()
    assert client.post(_url(case_a), _form()).status_code == 404
    assert AuditEvent.objects.filter(action="case.viewed").count() == viewed
    assert Assistance.objects.count() == 1


def test_outsider_gets_404_like_a_missing_case_and_nothing_is_written_or_logged_as_read(
    cast: Cast, case_a: Case, login: Any
) -> None:
    store = warehouse_a(cast, hygiene_kit=5)
    for user in (cast.caseworker_b, cast.caseworker_a_other_team):
        client = login(user)
        missing = client.get(f"/en/app/cases/{uuid.uuid4()}/assistance/")
        response = client.get(_url(case_a))
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
        assert client.post(_url(case_a), _form(warehouse=str(store.pk))).status_code == 404
        assert (
            f'href="{_url(case_a)}"' not in client.get(case_a.get_absolute_url()).content.decode()
        )
    assert balance(store, "hygiene_kit") == 5
    _nothing_written()
    assert not AuditEvent.objects.filter(action__in=["case.viewed", "assistance.listed"]).exists()


def test_roles_without_assistance_get_404_and_nothing_is_written(
    cast: Cast, case_a: Case, login: Any
) -> None:
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin):
        client = login(user)
        assert client.get(_url(case_a)).status_code == 404
        assert client.post(_url(case_a), _form()).status_code == 404
    _nothing_written()
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(
    client: Client, cast: Cast, case_a: Case
) -> None:
    for response in (client.get(_url(case_a)), client.post(_url(case_a), _form())):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    _nothing_written()
