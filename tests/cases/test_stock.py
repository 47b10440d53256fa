"""Stock: warehouses, receipts, transfers, thresholds and the low-stock warning; the
balance never goes negative (the CHECK constraint holds even a write that skips the
service); the pages, who gets 404 with nothing written, and every input's bad value.
The concurrent issues are in test_stock_concurrency.py (PostgreSQL)."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safepath.audit.models import AuditEvent
from safepath.cases import assistance_services as services
from safepath.cases.models import StockBalance, StockMovement, Warehouse
from safepath.core.exceptions import NotAllowed
from tests.cases.assistance_setup import balance, today, tomorrow, warehouse_a, warehouse_b
from tests.conftest import Cast

STOCK = "/en/app/cases/stock/"


def _page(warehouse: Warehouse, action: str = "") -> str:
    return f"{STOCK}{warehouse.public_id}/{action + '/' if action else ''}"


def _movements() -> list[tuple[str, str, str, int, int]]:
    return [
        (m.warehouse.name, m.movement, m.kind, m.quantity, m.balance_after)
        for m in StockMovement.objects.select_related("warehouse").order_by("id")
    ]


# --- services -------------------------------------------------------------------------


def test_a_new_warehouse_has_an_empty_balance_of_every_item(cast: Cast) -> None:
    store = services.warehouse_create(
        actor=cast.supervisor_a, name=" Lublin store ", voivodeship="06"
    )
    assert (store.name, store.organisation, store.voivodeship_name) == (
        "Lublin store",
        cast.org_a,
        "Lubelskie",
    )
    assert sorted(store.balances.values_list("kind", "quantity", "low_stock_threshold")) == [
        ("hygiene_kit", 0, 0),
        ("nfi_kit", 0, 0),
    ]
    assert AuditEvent.objects.filter(action="stock.warehouse_created").count() == 1


def test_receipts_and_transfers_move_stock_and_keep_a_ledger(cast: Cast) -> None:
    warsaw = warehouse_a(cast, hygiene_kit=10)
    lublin = warehouse_a(cast, name="Lublin store")
    services.stock_transfer(
        actor=cast.supervisor_a,
        source=warsaw,
        destination=lublin,
        kind="hygiene_kit",
        quantity=4,
        moved_on=today(),
    )
    assert (balance(warsaw, "hygiene_kit"), balance(lublin, "hygiene_kit")) == (6, 4)
    assert _movements() == [
        ("Warsaw store", "receipt", "hygiene_kit", 10, 10),
        ("Warsaw store", "transfer_out", "hygiene_kit", 4, 6),
        ("Lublin store", "transfer_in", "hygiene_kit", 4, 4),
    ]
    out, into = StockMovement.objects.order_by("id")[1:]
    assert (out.other_warehouse, into.other_warehouse) == (lublin, warsaw)
    details = list(
        AuditEvent.objects.filter(action__startswith="stock.transfer")
        .order_by("id")
        .values_list("action", "detail")
    )
    assert details == [
        ("stock.transfer_out", {"via": "web", "target": "hygiene_kit", "count": 4}),
        ("stock.transfer_in", {"via": "web", "target": "hygiene_kit", "count": 4}),
    ]


def test_a_transfer_of_more_than_is_there_moves_nothing(cast: Cast) -> None:
    warsaw = warehouse_a(cast, nfi_kit=3)
    lublin = warehouse_a(cast, name="Lublin store")
    with pytest.raises(services.Invalid) as caught:
        services.stock_transfer(
            actor=cast.supervisor_a,
            source=warsaw,
            destination=lublin,
            kind="nfi_kit",
            quantity=4,
            moved_on=today(),
        )
    assert [e.field for e in caught.value.errors] == ["quantity"]
    assert (balance(warsaw, "nfi_kit"), balance(lublin, "nfi_kit")) == (3, 0)
    assert StockMovement.objects.count() == 1


def test_the_low_stock_warning_is_below_the_threshold(cast: Cast) -> None:
    store = warehouse_a(cast, nfi_kit=3)
    row = services.stock_set_threshold(
        actor=cast.supervisor_a, warehouse=store, kind="nfi_kit", threshold=3
    )
    assert not row.is_low
    row.quantity = 2
    assert row.is_low


def test_the_database_refuses_a_negative_balance_even_without_the_service(cast: Cast) -> None:
    store = warehouse_a(cast, nfi_kit=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(warehouse=store, kind="nfi_kit").update(quantity=-1)
    assert balance(store, "nfi_kit") == 1


def test_the_check_constraint_is_reported_as_insufficient_stock(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the lock ever bypassed (the row read stale), the constraint still refuses
    the issue, and the refusal reads like any other shortage."""
    store = warehouse_a(cast, nfi_kit=1)
    real = services._locked_balance

    def stale(warehouse: Warehouse, kind: str) -> StockBalance:
        row = real(warehouse, kind)
        row.quantity = 5  # what a read without the lock might have seen
        return row

    monkeypatch.setattr(services, "_locked_balance", stale)
    with pytest.raises(services.Invalid) as caught, transaction.atomic():
        services._take(
            actor=cast.supervisor_a,
            warehouse=store,
            kind="nfi_kit",
            quantity=2,
            on=today(),
            field="quantity",
            to=warehouse_a(cast, name="Other"),
        )
    assert "Not enough Non-food item kit in Warsaw store: 1 in stock, 2 asked" in str(caught.value)
    assert balance(store, "nfi_kit") == 1


@pytest.mark.parametrize(
    ("action", "arguments", "field"),
    [
        ("receive", {"kind": "food"}, "kind"),
        ("receive", {"quantity": 0}, "quantity"),
        ("receive", {"quantity": 100_001}, "quantity"),
        ("receive", {"received_on": "tomorrow"}, "received_on"),
        ("transfer", {"kind": "cash_voucher"}, "kind"),
        ("transfer", {"quantity": -1}, "quantity"),
        ("transfer", {"moved_on": "tomorrow"}, "moved_on"),
        ("transfer", {"destination": "same"}, "destination"),
        ("threshold", {"threshold": -1}, "threshold"),
        ("threshold", {"kind": "other"}, "kind"),
        ("warehouse", {"name": "  "}, "name"),
        ("warehouse", {"name": "x" * 201}, "name"),
        ("warehouse", {"name": "Warsaw store"}, "name"),
        ("warehouse", {"voivodeship": "99"}, "voivodeship"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    cast: Cast, action: str, arguments: dict[str, Any], field: str
) -> None:
    store = warehouse_a(cast, nfi_kit=5)
    other = warehouse_a(cast, name="Lublin store")
    before = (
        _movements(),
        list(StockBalance.objects.values_list("quantity", "low_stock_threshold")),
    )
    for name in ("received_on", "moved_on"):
        if arguments.get(name) == "tomorrow":
            arguments[name] = tomorrow()
    if arguments.get("destination") == "same":
        arguments["destination"] = store
    defaults: dict[str, dict[str, Any]] = {
        "receive": {"warehouse": store, "kind": "nfi_kit", "quantity": 1, "received_on": today()},
        "transfer": {
            "source": store,
            "destination": other,
            "kind": "nfi_kit",
            "quantity": 1,
            "moved_on": today(),
        },
        "threshold": {"warehouse": store, "kind": "nfi_kit", "threshold": 2},
        "warehouse": {"name": "Gdańsk store"},
    }
    calls: dict[str, Callable[..., object]] = {
        "receive": services.stock_receive,
        "transfer": services.stock_transfer,
        "threshold": services.stock_set_threshold,
        "warehouse": services.warehouse_create,
    }
    with pytest.raises(services.Invalid) as caught:
        calls[action](actor=cast.supervisor_a, **{**defaults[action], **arguments})
    assert field in [error.field for error in caught.value.errors]
    after = (
        _movements(),
        list(StockBalance.objects.values_list("quantity", "low_stock_threshold")),
    )
    assert after == before
    assert Warehouse.objects.count() == 2


def test_stock_of_another_organisation_or_without_stock_manage_is_not_allowed(cast: Cast) -> None:
    mine = warehouse_a(cast, nfi_kit=5)
    foreign = warehouse_b(cast, nfi_kit=5)
    for attempt in (
        lambda: services.stock_receive(
            actor=cast.supervisor_a,
            warehouse=foreign,
            kind="nfi_kit",
            quantity=1,
            received_on=today(),
        ),
        lambda: services.stock_transfer(
            actor=cast.supervisor_a,
            source=mine,
            destination=foreign,
            kind="nfi_kit",
            quantity=1,
            moved_on=today(),
        ),
        lambda: services.stock_set_threshold(
            actor=cast.supervisor_a, warehouse=foreign, kind="nfi_kit", threshold=1
        ),
        lambda: services.stock_receive(
            actor=cast.caseworker_a, warehouse=mine, kind="nfi_kit", quantity=1, received_on=today()
        ),
        lambda: services.warehouse_create(actor=cast.caseworker_a, name="Mine"),
        lambda: services.warehouse_create(actor=cast.admin, name="Mine"),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert (balance(mine, "nfi_kit"), balance(foreign, "nfi_kit")) == (5, 5)
    assert Warehouse.objects.count() == 2


# --- pages ----------------------------------------------------------------------------


def test_supervisor_creates_a_warehouse_receives_transfers_and_sets_a_threshold(
    cast: Cast, login: Any
) -> None:
    client = login(cast.supervisor_a)
    response = client.post(STOCK, {"name": "Przemyśl store", "voivodeship": "18"})
    store = Warehouse.objects.get(name="Przemyśl store")
    assert response["Location"] == _page(store)
    other = warehouse_a(cast, name="Lublin store")
    day = today().isoformat()
    for action, data in (
        (
            "receipts",
            {"receipt-kind": "nfi_kit", "receipt-quantity": "7", "receipt-received_on": day},
        ),
        (
            "transfers",
            {
                "transfer-kind": "nfi_kit",
                "transfer-quantity": "3",
                "transfer-destination": str(other.pk),
                "transfer-moved_on": day,
            },
        ),
        ("thresholds", {"threshold-kind": "nfi_kit", "threshold-threshold": "5"}),
    ):
        response = client.post(_page(store, action), data)
        assert (response.status_code, response["Location"]) == (302, _page(store)), action
    assert (balance(store, "nfi_kit"), balance(other, "nfi_kit")) == (4, 3)
    page = client.get(_page(store)).content.decode()
    assert "Low stock" in page
    assert "Transfer out" in page
    listing = client.get(STOCK).content.decode()
    assert "Przemyśl store" in listing
    assert "Podkarpackie" in listing
    assert "Low stock" in listing


def test_caseworker_sees_the_stock_but_cannot_change_it(cast: Cast, login: Any) -> None:
    store = warehouse_a(cast, hygiene_kit=4)
    client = login(cast.caseworker_a)
    page = client.get(_page(store)).content.decode()
    assert "Hygiene kit" in page
    assert "Record the receipt" not in page
    assert "New warehouse" not in client.get(STOCK).content.decode()
    day = today().isoformat()
    assert client.post(STOCK, {"name": "Mine"}).status_code == 404
    assert (
        client.post(
            _page(store, "receipts"),
            {"receipt-kind": "nfi_kit", "receipt-quantity": "1", "receipt-received_on": day},
        ).status_code
        == 404
    )
    assert client.post(_page(store, "thresholds"), {}).status_code == 404
    assert client.post(_page(store, "transfers"), {}).status_code == 404
    assert Warehouse.objects.count() == 1
    assert StockMovement.objects.count() == 1


def test_bad_input_on_the_pages_names_the_field_and_changes_nothing(cast: Cast, login: Any) -> None:
    store = warehouse_a(cast, nfi_kit=2)
    other = warehouse_a(cast, name="Lublin store")
    foreign = warehouse_b(cast)
    client = login(cast.supervisor_a)
    day = today().isoformat()
    cases: list[tuple[str, dict[str, str], str]] = [
        (STOCK, {"name": ""}, "This field is required."),
        (STOCK, {"name": "Lublin store"}, "already has a warehouse of that name"),
        (STOCK, {"name": "New", "voivodeship": "99"}, "Select a valid choice."),
        (
            _page(store, "receipts"),
            {"receipt-kind": "food", "receipt-quantity": "1", "receipt-received_on": day},
            "Select a valid choice.",
        ),
        (
            _page(store, "receipts"),
            {"receipt-kind": "nfi_kit", "receipt-quantity": "0", "receipt-received_on": day},
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            _page(store, "receipts"),
            {
                "receipt-kind": "nfi_kit",
                "receipt-quantity": "1",
                "receipt-received_on": tomorrow().isoformat(),
            },
            "The date cannot be in the future.",
        ),
        (
            _page(store, "transfers"),
            {
                "transfer-kind": "nfi_kit",
                "transfer-quantity": "3",
                "transfer-destination": str(other.pk),
                "transfer-moved_on": day,
            },
            "Not enough Non-food item kit in Warsaw store: 2 in stock, 3 asked.",
        ),
        (
            _page(store, "transfers"),
            {
                "transfer-kind": "nfi_kit",
                "transfer-quantity": "1",
                "transfer-destination": str(foreign.pk),
                "transfer-moved_on": day,
            },
            "Select a valid choice.",
        ),
        (
            _page(store, "transfers"),
            {
                "transfer-kind": "nfi_kit",
                "transfer-quantity": "1",
                "transfer-destination": str(store.pk),
                "transfer-moved_on": day,
            },
            "Select a valid choice.",
        ),
        (
            _page(store, "thresholds"),
            {"threshold-kind": "nfi_kit", "threshold-threshold": "-2"},
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            _page(store, "thresholds"),
            {"threshold-kind": "nfi_kit", "threshold-threshold": "few"},
            "Enter a whole number.",
        ),
    ]
    for url, data, message in cases:
        response = client.post(url, data)
        assert response.status_code in (200, 400), data
        page = response.content.decode()
        assert "Nothing has been saved yet." in page, data
        assert message in page, data
    assert Warehouse.objects.count() == 3
    assert (balance(store, "nfi_kit"), balance(other, "nfi_kit")) == (2, 0)
    assert StockBalance.objects.get(warehouse=store, kind="nfi_kit").low_stock_threshold == 0
    assert StockMovement.objects.count() == 1


def test_the_stock_list_does_not_grow_in_queries_with_warehouses(cast: Cast, login: Any) -> None:
    client = login(cast.supervisor_a)
    client.get(STOCK)
    warehouse_a(cast, nfi_kit=1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(STOCK).status_code == 200
        return len(queries)

    one = count()
    for n in range(4):
        warehouse_a(cast, name=f"Store {n}", hygiene_kit=2)
    assert count() == one


def test_outsider_gets_404_like_a_missing_warehouse_and_nothing_changes(
    cast: Cast, login: Any
) -> None:
    store = warehouse_a(cast, nfi_kit=5)
    foreign = warehouse_b(cast, nfi_kit=5)
    day = today().isoformat()
    # Caseworker B may see stock, but only their organisation's.
    client = login(cast.caseworker_b)
    missing = client.get(f"{STOCK}{uuid.uuid4()}/")
    hidden = client.get(_page(store))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    listing = client.get(STOCK).content.decode()
    assert "Warsaw store" not in listing
    assert "Store of B" in listing
    # Supervisor A may manage stock, but not organisation B's.
    client = login(cast.supervisor_a)
    assert client.get(_page(foreign)).status_code == 404
    for action, data in (
        (
            "receipts",
            {"receipt-kind": "nfi_kit", "receipt-quantity": "1", "receipt-received_on": day},
        ),
        (
            "transfers",
            {
                "transfer-kind": "nfi_kit",
                "transfer-quantity": "1",
                "transfer-destination": str(store.pk),
                "transfer-moved_on": day,
            },
        ),
        ("thresholds", {"threshold-kind": "nfi_kit", "threshold-threshold": "9"}),
    ):
        assert client.post(_page(foreign, action), data).status_code == 404, action
    assert (balance(store, "nfi_kit"), balance(foreign, "nfi_kit")) == (5, 5)
    assert not StockBalance.objects.filter(low_stock_threshold__gt=0).exists()
    assert StockMovement.objects.count() == 1
    assert "Store of B" not in client.get(STOCK).content.decode()


def test_roles_without_stock_get_404_on_every_stock_page_and_nothing_changes(
    cast: Cast, login: Any
) -> None:
    store = warehouse_a(cast, nfi_kit=5)
    for user in (cast.hotline, cast.partner, cast.trainer, cast.admin, cast.analyst):
        client = login(user)
        assert client.get(STOCK).status_code == 404
        assert client.get(_page(store)).status_code == 404
        assert client.post(STOCK, {"name": "Mine"}).status_code == 404
        for action in ("receipts", "transfers", "thresholds"):
            assert client.post(_page(store, action), {}).status_code == 404
    assert Warehouse.objects.count() == 1
    assert StockMovement.objects.count() == 1


def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client: Client, cast: Cast) -> None:
    store = warehouse_a(cast, nfi_kit=5)
    for response in (
        client.get(STOCK),
        client.get(_page(store)),
        client.post(STOCK, {"name": "Mine"}),
        client.post(_page(store, "receipts"), {}),
        client.post(_page(store, "transfers"), {}),
        client.post(_page(store, "thresholds"), {}),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert Warehouse.objects.count() == 1
    assert StockMovement.objects.count() == 1
