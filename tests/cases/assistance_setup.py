"""Set-up shared by the assistance, stock and shelter tests: warehouses and shelters of
organisation A made through the services, and one of organisation B.

The cast has no supervisor in organisation B, so organisation B's warehouse and shelter
are written directly: they are the setting of scope tests, not what those tests create.
"""

import datetime

from django.utils import timezone

from safepath.cases.assistance_services import shelter_create, stock_receive, warehouse_create
from safepath.cases.models import Shelter, StockBalance, StockItem, Warehouse
from tests.conftest import Cast


def today() -> datetime.date:
    return timezone.localdate()


def tomorrow() -> datetime.date:
    return today() + datetime.timedelta(days=1)


def warehouse_a(cast: Cast, *, name: str = "Warsaw store", **stock: int) -> Warehouse:
    """A warehouse of organisation A holding `stock` (item code → quantity)."""
    warehouse = warehouse_create(actor=cast.supervisor_a, name=name, voivodeship="14")
    for kind, quantity in stock.items():
        stock_receive(
            actor=cast.supervisor_a,
            warehouse=warehouse,
            kind=kind,
            quantity=quantity,
            received_on=today(),
        )
    return warehouse


def warehouse_b(cast: Cast, **stock: int) -> Warehouse:
    warehouse = Warehouse.objects.create(
        name="Store of B", organisation=cast.org_b, created_by=cast.caseworker_b
    )
    StockBalance.objects.bulk_create(
        StockBalance(warehouse=warehouse, kind=kind, quantity=stock.get(kind, 0))
        for kind in StockItem.values
    )
    return warehouse


def balance(warehouse: Warehouse, kind: str) -> int:
    return StockBalance.objects.get(warehouse=warehouse, kind=kind).quantity


def shelter_a(cast: Cast, *, capacity: int = 2, name: str = "Safe House Warsaw") -> Shelter:
    return shelter_create(actor=cast.supervisor_a, name=name, voivodeship="14", capacity=capacity)


def shelter_b(cast: Cast) -> Shelter:
    return Shelter.objects.create(
        name="Shelter of B",
        voivodeship="14",
        capacity=5,
        organisation=cast.org_b,
        created_by=cast.caseworker_b,
    )
