"""Every write about direct assistance, stock and shelters: one atomic function per
action, each taking `actor=`, checking the policy and writing the audit event.

Stock: a balance changes only under a row lock (`select_for_update`), taken before it
is read, so two issues of the last units cannot both see them; the CHECK constraint
`stock_balance_not_negative` is the second guard, and its violation is reported as
insufficient stock like the first. Shelters: an admission locks the shelter row while
it counts the open stays, so two admissions cannot both take the last place; a person
has at most one open stay (checked, and a partial unique constraint behind it).

Bad input raises `Invalid`, naming every problem, and nothing is written; acting on a
record out of reach raises `NotAllowed` (which pages and the API answer as 404).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepath.accounts import policies
from safepath.accounts.models import Organisation, User
from safepath.cases import assistance_events as events
from safepath.cases.models import (
    Assistance,
    AssistanceKind,
    Case,
    MovementType,
    Shelter,
    ShelterStay,
    StockBalance,
    StockItem,
    StockMovement,
    Warehouse,
)
from safepath.core.exceptions import NotAllowed
from safepath.core.geography import VOIVODESHIP_CODES
from safepath.insights.rollups.signals import rollups_changed
from safepath.people.models import Person

MAX_QUANTITY: Final = 100_000
MAX_CAPACITY: Final = 10_000
MAX_NAME: Final = 200
OWNER: Final = {"owner_field": "owner"}


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    detail: str


class Invalid(ValueError):
    """The input does not make a valid record or movement; every problem is named and
    nothing is written."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.detail}" for e in errors))
        self.errors = list(errors)


def _count_errors(field: str, value: Any, *, minimum: int, maximum: int) -> list[FieldError]:
    if not isinstance(value, int) or isinstance(value, bool):
        return [FieldError(field, _("Enter a whole number."))]
    if value < minimum:
        return [FieldError(field, _("Enter at least %(minimum)d.") % {"minimum": minimum})]
    if value > maximum:
        return [FieldError(field, _("Enter at most %(maximum)d.") % {"maximum": maximum})]
    return []


def _date_errors(field: str, value: Any) -> list[FieldError]:
    if not isinstance(value, datetime.date):
        return [FieldError(field, _("Enter a valid date."))]
    if value > timezone.localdate():
        return [FieldError(field, _("The date cannot be in the future."))]
    return []


def _name_errors(value: str) -> list[FieldError]:
    if not value:
        return [FieldError("name", _("Enter a name."))]
    if len(value) > MAX_NAME:
        return [FieldError("name", _("At most %(count)d characters.") % {"count": MAX_NAME})]
    return []


def _voivodeship_errors(value: str, *, required: bool) -> list[FieldError]:
    if (value or required) and value not in VOIVODESHIP_CODES:
        return [FieldError("voivodeship", _("Choose a voivodeship from the list."))]
    return []


def _item_errors(field: str, kind: str) -> list[FieldError]:
    if kind not in StockItem.values:
        return [FieldError(field, _("Choose an item kept in stock."))]
    return []


def _require_in_org(actor: User, capability: str, record: Warehouse | Shelter) -> None:
    """The record belongs to the actor's organisation and the capability reaches it."""
    if record.organisation_id != actor.organisation_id or not policies.in_scope(
        actor, capability, record
    ):
        raise NotAllowed(capability)


# --- assistance -----------------------------------------------------------------------


@transaction.atomic
def assistance_record(
    *,
    actor: User,
    case: Case | None = None,
    person: Person | None = None,
    kind: str,
    quantity: int,
    given_on: datetime.date,
    provider: Organisation | None = None,
    warehouse: Warehouse | None = None,
    stock_field: str = "stock_issue",
    via: str = "web",
) -> Assistance:
    """Record an item or service given to a person, for one of their cases (`case`) or
    without one (`person`). With `warehouse`, the items are issued from its stock in the
    same transaction: not enough stock refuses the whole record, naming the item in the
    error on `stock_field`. The provider is the actor's organisation unless another
    (active) one is named; items from a warehouse are given by its organisation."""
    if actor.organisation_id is None:
        raise NotAllowed("assistance.record")
    if case is not None:
        if person is not None and person.pk != case.person_id:
            raise Invalid([FieldError("case", _("This case is not the person's."))])
        person = case.person
        if not policies.in_scope(actor, "assistance.record", case, **OWNER):
            raise NotAllowed("assistance.record")
    elif person is not None:
        if not policies.in_scope(actor, "assistance.record", person):
            raise NotAllowed("assistance.record")
    else:
        raise Invalid([FieldError("person", _("Say who received the assistance."))])
    if warehouse is not None:
        _require_in_org(actor, "stock.view", warehouse)

    errors: list[FieldError] = []
    if case is not None and case.is_closed:
        errors.append(
            FieldError("case", _("This case is closed: reopen it before recording assistance."))
        )
    if kind not in AssistanceKind.values:
        errors.append(FieldError("kind", _("Choose an item or service from the list.")))
    errors += _count_errors("quantity", quantity, minimum=1, maximum=MAX_QUANTITY)
    errors += _date_errors("given_on", given_on)
    if provider is None:
        provider = Organisation.objects.get(pk=actor.organisation_id)
    elif not provider.is_active:
        errors.append(FieldError("provider", _("Choose an active organisation.")))
    if warehouse is not None:
        if kind in AssistanceKind.values and kind not in StockItem.values:
            errors.append(
                FieldError(
                    stock_field, _("Only non-food item kits and hygiene kits come from stock.")
                )
            )
        if not warehouse.is_active:
            errors.append(FieldError(stock_field, _("This warehouse is closed.")))
        if provider.pk != warehouse.organisation_id:
            errors.append(
                FieldError(
                    "provider",
                    _("Items from your warehouse are given by your organisation."),
                )
            )
    if errors:
        raise Invalid(errors)

    assistance = Assistance.objects.create(
        person=person,
        case=case,
        kind=kind,
        quantity=quantity,
        given_on=given_on,
        provider=provider,
        organisation_id=actor.organisation_id,
        team_id=case.team_id if case is not None else person.team_id,
        created_by=actor,
    )
    movement = None
    if warehouse is not None:
        movement = _take(
            actor=actor,
            warehouse=warehouse,
            kind=kind,
            quantity=quantity,
            on=given_on,
            field=stock_field,
            assistance=assistance,
        )
    events.assistance_recorded(actor=actor, assistance=assistance, via=via)
    rollups_changed()
    if movement is not None:
        events.stock_moved(actor=actor, movement=movement, via=via)
    return assistance


# --- stock ----------------------------------------------------------------------------


def _locked_balance(warehouse: Warehouse, kind: str) -> StockBalance:
    # Rows are made with the warehouse; get_or_create covers one made some other way.
    StockBalance.objects.get_or_create(warehouse=warehouse, kind=kind)
    return StockBalance.objects.select_for_update().get(warehouse=warehouse, kind=kind)


def _insufficient(
    field: str, warehouse: Warehouse, kind: str, available: int, asked: int
) -> Invalid:
    return Invalid(
        [
            FieldError(
                field,
                _(
                    "Not enough %(item)s in %(warehouse)s: %(available)d in stock, "
                    "%(asked)d asked. Nothing was saved."
                )
                % {
                    "item": StockItem(kind).label,
                    "warehouse": warehouse.name,
                    "available": available,
                    "asked": asked,
                },
            )
        ]
    )


def _take(
    *,
    actor: User,
    warehouse: Warehouse,
    kind: str,
    quantity: int,
    on: datetime.date,
    field: str,
    assistance: Assistance | None = None,
    to: Warehouse | None = None,
) -> StockMovement:
    """Take items out of a warehouse: an issue (with its assistance) or the first half
    of a transfer (`to`). Call inside a transaction."""
    balance = _locked_balance(warehouse, kind)
    if balance.quantity < quantity:
        raise _insufficient(field, warehouse, kind, balance.quantity, quantity)
    try:
        with transaction.atomic():
            StockBalance.objects.filter(pk=balance.pk).update(
                quantity=F("quantity") - quantity, updated_at=timezone.now()
            )
    except IntegrityError as exc:  # the CHECK constraint: only if the lock was bypassed
        balance.refresh_from_db(fields=["quantity"])
        raise _insufficient(field, warehouse, kind, balance.quantity, quantity) from exc
    balance.refresh_from_db(fields=["quantity"])
    return StockMovement.objects.create(
        warehouse=warehouse,
        kind=kind,
        movement=MovementType.ISSUE if to is None else MovementType.TRANSFER_OUT,
        quantity=quantity,
        balance_after=balance.quantity,
        occurred_on=on,
        assistance=assistance,
        other_warehouse=to,
        created_by=actor,
    )


def _put(
    *,
    actor: User,
    warehouse: Warehouse,
    kind: str,
    quantity: int,
    on: datetime.date,
    source: Warehouse | None = None,
) -> StockMovement:
    """Put items into a warehouse: a receipt, or the second half of a transfer."""
    balance = _locked_balance(warehouse, kind)
    StockBalance.objects.filter(pk=balance.pk).update(
        quantity=F("quantity") + quantity, updated_at=timezone.now()
    )
    balance.refresh_from_db(fields=["quantity"])
    return StockMovement.objects.create(
        warehouse=warehouse,
        kind=kind,
        movement=MovementType.RECEIPT if source is None else MovementType.TRANSFER_IN,
        quantity=quantity,
        balance_after=balance.quantity,
        occurred_on=on,
        other_warehouse=source,
        created_by=actor,
    )


@transaction.atomic
def warehouse_create(
    *, actor: User, name: str, voivodeship: str = "", via: str = "web"
) -> Warehouse:
    """A warehouse of the actor's organisation, with an empty balance of every item."""
    if actor.organisation_id is None or not policies.can(actor, "stock.manage"):
        raise NotAllowed("stock.manage")
    name = name.strip()
    errors = _name_errors(name) + _voivodeship_errors(voivodeship, required=False)
    if name and Warehouse.objects.filter(organisation_id=actor.organisation_id, name=name).exists():
        errors.append(
            FieldError("name", _("Your organisation already has a warehouse of that name."))
        )
    if errors:
        raise Invalid(errors)
    warehouse = Warehouse.objects.create(
        name=name,
        voivodeship=voivodeship,
        organisation_id=actor.organisation_id,
        created_by=actor,
    )
    StockBalance.objects.bulk_create(
        StockBalance(warehouse=warehouse, kind=kind) for kind in StockItem.values
    )
    events.warehouse_created(actor=actor, warehouse=warehouse, via=via)
    return warehouse


@transaction.atomic
def stock_receive(
    *,
    actor: User,
    warehouse: Warehouse,
    kind: str,
    quantity: int,
    received_on: datetime.date,
    via: str = "web",
) -> StockMovement:
    """Items delivered to a warehouse."""
    _require_in_org(actor, "stock.manage", warehouse)
    errors = _item_errors("kind", kind)
    errors += _count_errors("quantity", quantity, minimum=1, maximum=MAX_QUANTITY)
    errors += _date_errors("received_on", received_on)
    if not warehouse.is_active:
        errors.append(FieldError("warehouse", _("This warehouse is closed.")))
    if errors:
        raise Invalid(errors)
    movement = _put(actor=actor, warehouse=warehouse, kind=kind, quantity=quantity, on=received_on)
    events.stock_moved(actor=actor, movement=movement, via=via)
    return movement


@transaction.atomic
def stock_transfer(
    *,
    actor: User,
    source: Warehouse,
    destination: Warehouse,
    kind: str,
    quantity: int,
    moved_on: datetime.date,
    via: str = "web",
) -> tuple[StockMovement, StockMovement]:
    """Move items between two warehouses of the actor's organisation: out of one and
    into the other, or neither."""
    _require_in_org(actor, "stock.manage", source)
    _require_in_org(actor, "stock.manage", destination)
    errors = _item_errors("kind", kind)
    errors += _count_errors("quantity", quantity, minimum=1, maximum=MAX_QUANTITY)
    errors += _date_errors("moved_on", moved_on)
    if destination.pk == source.pk:
        errors.append(FieldError("destination", _("Choose another warehouse.")))
    elif not (source.is_active and destination.is_active):
        errors.append(FieldError("destination", _("Both warehouses must be open.")))
    if errors:
        raise Invalid(errors)
    # Lock both rows in one order (by id), so two opposite transfers cannot deadlock.
    list(
        StockBalance.objects.select_for_update()
        .filter(warehouse__in=[source, destination], kind=kind)
        .order_by("pk")
    )
    out = _take(
        actor=actor,
        warehouse=source,
        kind=kind,
        quantity=quantity,
        on=moved_on,
        field="quantity",
        to=destination,
    )
    into = _put(
        actor=actor, warehouse=destination, kind=kind, quantity=quantity, on=moved_on, source=source
    )
    events.stock_moved(actor=actor, movement=out, via=via)
    events.stock_moved(actor=actor, movement=into, via=via)
    return out, into


@transaction.atomic
def stock_set_threshold(
    *, actor: User, warehouse: Warehouse, kind: str, threshold: int, via: str = "web"
) -> StockBalance:
    """Below this many items the warehouse shows a low-stock warning (0: never)."""
    _require_in_org(actor, "stock.manage", warehouse)
    errors = _item_errors("kind", kind)
    errors += _count_errors("threshold", threshold, minimum=0, maximum=MAX_QUANTITY)
    if errors:
        raise Invalid(errors)
    balance = _locked_balance(warehouse, kind)
    balance.low_stock_threshold = threshold
    balance.save(update_fields=["low_stock_threshold", "updated_at"])
    events.stock_threshold_set(actor=actor, warehouse=warehouse, kind=kind, via=via)
    return balance


# --- shelters -------------------------------------------------------------------------


@transaction.atomic
def shelter_create(
    *, actor: User, name: str, voivodeship: str, capacity: int, via: str = "web"
) -> Shelter:
    if actor.organisation_id is None or not policies.can(actor, "shelter.manage"):
        raise NotAllowed("shelter.manage")
    name = name.strip()
    errors = _name_errors(name) + _voivodeship_errors(voivodeship, required=True)
    errors += _count_errors("capacity", capacity, minimum=1, maximum=MAX_CAPACITY)
    if name and Shelter.objects.filter(organisation_id=actor.organisation_id, name=name).exists():
        errors.append(
            FieldError("name", _("Your organisation already has a shelter of that name."))
        )
    if errors:
        raise Invalid(errors)
    shelter = Shelter.objects.create(
        name=name,
        voivodeship=voivodeship,
        capacity=capacity,
        organisation_id=actor.organisation_id,
        created_by=actor,
    )
    events.shelter_created(actor=actor, shelter=shelter, via=via)
    return shelter


def _already_staying() -> Invalid:
    return Invalid(
        [
            FieldError(
                "person",
                _("This person is already staying in a shelter: record their departure first."),
            )
        ]
    )


@transaction.atomic
def shelter_admit(
    *,
    actor: User,
    shelter: Shelter,
    person: Person,
    admitted_on: datetime.date,
    via: str = "web",
) -> ShelterStay:
    """Admit a person, if the shelter has a free place and the person is not staying
    in a shelter already."""
    _require_in_org(actor, "shelter.admit", shelter)
    if not policies.in_scope(actor, "person.view", person):
        raise NotAllowed("person.view")
    errors = _date_errors("admitted_on", admitted_on)
    if errors:
        raise Invalid(errors)
    # The lock makes admissions to one shelter take turns: each counts what the
    # previous one committed.
    locked = Shelter.objects.select_for_update().get(pk=shelter.pk)
    if not locked.is_active:
        raise Invalid([FieldError("shelter", _("This shelter is closed."))])
    occupied = ShelterStay.objects.filter(shelter=locked, departed_on__isnull=True).count()
    if occupied >= locked.capacity:
        raise Invalid(
            [
                FieldError(
                    "shelter",
                    ngettext(
                        "The shelter is full (%(capacity)d place): nobody can be admitted.",
                        "The shelter is full (%(capacity)d places): nobody can be admitted.",
                        locked.capacity,
                    )
                    % {"capacity": locked.capacity},
                )
            ]
        )
    if ShelterStay.objects.filter(person=person, departed_on__isnull=True).exists():
        raise _already_staying()
    try:
        with transaction.atomic():
            stay = ShelterStay.objects.create(
                shelter=locked, person=person, admitted_on=admitted_on, admitted_by=actor
            )
    except IntegrityError as exc:  # admitted elsewhere at the same moment
        raise _already_staying() from exc
    events.shelter_admitted(actor=actor, stay=stay, via=via)
    return stay


@transaction.atomic
def shelter_depart(
    *, actor: User, stay: ShelterStay, departed_on: datetime.date, via: str = "web"
) -> ShelterStay:
    """Record that a person left the shelter, which frees their place."""
    _require_in_org(actor, "shelter.admit", stay.shelter)
    locked = ShelterStay.objects.select_for_update().get(pk=stay.pk)
    if locked.departed_on is not None:
        raise Invalid([FieldError("stay", _("This departure is already recorded."))])
    errors = _date_errors("departed_on", departed_on)
    if not errors and departed_on < locked.admitted_on:
        errors.append(
            FieldError(
                "departed_on",
                _("The departure cannot be before the admission (%(date)s).")
                % {"date": formats.date_format(locked.admitted_on, "SHORT_DATE_FORMAT")},
            )
        )
    if errors:
        raise Invalid(errors)
    locked.departed_on = departed_on
    locked.departed_by = actor
    locked.save(update_fields=["departed_on", "departed_by", "updated_at"])
    events.shelter_departed(actor=actor, stay=locked, via=via)
    return locked
