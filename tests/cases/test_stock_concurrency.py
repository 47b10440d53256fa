"""Concurrent issues of the last units of an item, on PostgreSQL with two real
connections: two threads, each in its own transaction, start together. Exactly one
issue succeeds and the balance ends at 0, never below; the other is refused as
insufficient stock and writes nothing.

The first test runs the service as it is: the row lock makes the second issue wait
and then read the balance the first one left. The second test takes the lock away, so
both read the same balance: the CHECK constraint is what refuses the second update.
SQLite has no row locks and serialises every write transaction, so there is nothing
to race there: these tests are skipped on it.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from safepath.accounts.models import User
from safepath.cases import assistance_services as services
from safepath.cases.models import Assistance, Case, StockBalance, StockMovement, Warehouse
from tests.cases.assistance_setup import balance, today, warehouse_a
from tests.conftest import Cast

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and runs one write transaction "
        "at a time, so concurrent issues cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]

REFUSED = "Not enough Hygiene kit in Warsaw store: 0 in stock, 2 asked. Nothing was saved."


def _race(case: Case, store: Warehouse, actors: tuple[User, User]) -> list[str]:
    """Both actors issue the last 2 kits at once; each says "issued" or why not."""
    start = threading.Barrier(len(actors), timeout=10)

    def issue(actor: User) -> str:
        try:
            start.wait()
            services.assistance_record(
                actor=actor,
                case=case,
                kind="hygiene_kit",
                quantity=2,
                given_on=today(),
                warehouse=store,
            )
            return "issued"
        except services.Invalid as exc:
            return exc.errors[0].detail
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(actors)) as pool:
        return sorted(pool.map(issue, actors))


def _hold_the_row(lock: Callable[[Warehouse, str], StockBalance]) -> Callable[..., StockBalance]:
    """The balance row as `lock` reads it, then a pause: the other thread's issue
    arrives while this one is between reading and writing."""

    def read(warehouse: Warehouse, kind: str) -> StockBalance:
        row = lock(warehouse, kind)
        threading.Event().wait(0.3)
        return row

    return read


def _assert_one_issue(store: Warehouse, outcomes: list[str]) -> None:
    assert outcomes == [REFUSED, "issued"]
    assert balance(store, "hygiene_kit") == 0
    assert Assistance.objects.count() == 1
    assert StockMovement.objects.filter(movement="issue").count() == 1
    assert not StockBalance.objects.filter(quantity__lt=0).exists()


def test_two_concurrent_issues_of_the_last_units_one_succeeds_and_the_balance_is_zero(
    cast: Cast, case_a: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = warehouse_a(cast, hygiene_kit=2)
    monkeypatch.setattr(services, "_locked_balance", _hold_the_row(services._locked_balance))
    outcomes = _race(case_a, store, (cast.caseworker_a, cast.supervisor_a))
    _assert_one_issue(store, outcomes)


def test_without_the_lock_the_check_constraint_still_keeps_the_balance_at_zero(
    cast: Cast, case_a: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = warehouse_a(cast, hygiene_kit=2)

    def unlocked(warehouse: Warehouse, kind: str) -> StockBalance:
        return StockBalance.objects.get(warehouse=warehouse, kind=kind)

    monkeypatch.setattr(services, "_locked_balance", _hold_the_row(unlocked))
    outcomes = _race(case_a, store, (cast.caseworker_a, cast.supervisor_a))
    _assert_one_issue(store, outcomes)
