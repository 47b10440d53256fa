"""Every read about direct assistance, stock and shelters.

Assistance has no door of its own: it is reached through its case (`access_case`),
and shown to whoever holds `assistance.view` over that case. Warehouses and shelters
belong to an organisation and are reached through `access_warehouse` and
`access_shelter`, which answer 404 for "does not exist" and "not yours" alike.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.http import Http404

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.cases import assistance_events as events
from safepath.cases.models import (
    Assistance,
    Case,
    Shelter,
    ShelterStay,
    StockBalance,
    StockItem,
    StockMovement,
    Warehouse,
)
from safepath.people.models import Person

OWNER = {"owner_field": "owner"}


def _key(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


# --- assistance -----------------------------------------------------------------------


def can_view_assistance(actor: User, case: Case) -> bool:
    return policies.in_scope(actor, "assistance.view", case, **OWNER)


def can_record_assistance(actor: User, case: Case) -> bool:
    return policies.in_scope(actor, "assistance.record", case, **OWNER)


def assistance_of_case(actor: User, case: Case) -> QuerySet[Assistance]:
    """The case's assistance, newest first, if the actor may see it; else none."""
    if not can_view_assistance(actor, case):
        return Assistance.objects.none()
    return Assistance.objects.filter(
        case=case, organisation_id=case.organisation_id
    ).select_related("provider", "created_by", "stock_issue__warehouse")


def providers() -> QuerySet[Organisation]:
    """Who may be named as the provider of assistance: any active organisation."""
    return Organisation.objects.filter(is_active=True).order_by("name")


# --- stock ----------------------------------------------------------------------------


def visible_warehouses(actor: User) -> QuerySet[Warehouse]:
    return policies.scoped(actor, "stock.view", Warehouse.objects.all())


def issuing_warehouses(actor: User) -> QuerySet[Warehouse]:
    """Open warehouses the actor may issue from when recording assistance."""
    return visible_warehouses(actor).filter(is_active=True)


def access_warehouse(*, actor: User, warehouse_id: uuid.UUID | str) -> Warehouse:
    warehouse = visible_warehouses(actor).filter(public_id=_key(warehouse_id)).first()
    if warehouse is None:
        raise Http404
    return warehouse


def can_manage_stock(actor: User, warehouse: Warehouse) -> bool:
    return policies.in_scope(actor, "stock.manage", warehouse)


def balances_of(warehouse: Warehouse) -> QuerySet[StockBalance]:
    return warehouse.balances.order_by("kind")


def movements_of(warehouse: Warehouse) -> QuerySet[StockMovement]:
    return warehouse.movements.select_related("created_by", "other_warehouse").order_by("-id")


@dataclass(frozen=True, slots=True)
class WarehouseRow:
    warehouse: Warehouse
    balances: list[StockBalance]

    @property
    def low(self) -> list[StockBalance]:
        return [balance for balance in self.balances if balance.is_low]

    @property
    def cells(self) -> list[StockBalance | None]:
        """The balance of each stock item, in `StockItem` order (None if missing)."""
        by_kind = {balance.kind: balance for balance in self.balances}
        return [by_kind.get(kind) for kind in StockItem.values]


def warehouse_overview(actor: User) -> list[WarehouseRow]:
    """Each warehouse the actor may see with its balances, in two queries."""
    warehouses = list(visible_warehouses(actor).order_by("-is_active", "name"))
    by_warehouse: dict[int, list[StockBalance]] = {w.pk: [] for w in warehouses}
    for balance in StockBalance.objects.filter(warehouse__in=warehouses).order_by("kind"):
        by_warehouse[balance.warehouse_id].append(balance)
    return [WarehouseRow(w, by_warehouse[w.pk]) for w in warehouses]


# --- shelters -------------------------------------------------------------------------


def visible_shelters(actor: User) -> QuerySet[Shelter]:
    """The shelters the actor may see, each with `occupancy` (open stays) and
    `free_places` (capacity less occupancy)."""
    return (
        policies.scoped(actor, "shelter.view", Shelter.objects.all())
        .annotate(occupancy=Count("stays", filter=Q(stays__departed_on__isnull=True)))
        .annotate(
            free_places=ExpressionWrapper(
                F("capacity") - F("occupancy"), output_field=IntegerField()
            )
        )
    )


def access_shelter(*, actor: User, shelter_id: uuid.UUID | str) -> Shelter:
    shelter = visible_shelters(actor).filter(public_id=_key(shelter_id)).first()
    if shelter is None:
        raise Http404
    return shelter


def current_stays(*, actor: User, shelter: Shelter, via: str) -> list[ShelterStay]:
    """The people staying now (by code), oldest admission first. A read of people:
    audited with the count."""
    stays = list(
        shelter.stays.filter(departed_on__isnull=True)
        .select_related("person", "admitted_by")
        .order_by("admitted_on", "id")
    )
    events.shelter_viewed(actor=actor, shelter=shelter, count=len(stays), via=via)
    return stays


def access_stay(*, shelter: Shelter, stay_id: uuid.UUID | str) -> ShelterStay:
    """A stay of a shelter already reached through `access_shelter`."""
    stay = shelter.stays.filter(public_id=_key(stay_id)).select_related("shelter").first()
    if stay is None:
        raise Http404
    return stay


def admissible_person(actor: User, code: str) -> Person | None:
    """The person with this code, if the actor may see them (else None, as if unknown)."""
    return (
        policies.scoped(actor, "person.view", Person.objects.all())
        .filter(code=code.strip().upper())
        .first()
    )


def can_admit(actor: User, shelter: Shelter) -> bool:
    return policies.in_scope(actor, "shelter.admit", shelter)
