"""Direct assistance given to people, the stock of relief items it is drawn from, and
shelter places.

- `Assistance`: one item or service given to a person, optionally for one of their
  cases. No free text: what was given is a code and a quantity (its unit follows the
  kind), so the record holds nothing that identifies anyone beyond the person's code.
- `Warehouse`, `StockBalance`, `StockMovement`: the non-food items an organisation
  keeps. A balance row per warehouse and item kind holds the current quantity and the
  low-stock threshold; every receipt, issue and transfer is a movement. A balance never
  goes negative: services lock the row (`select_for_update`) before changing it, and
  the CHECK constraint `stock_balance_not_negative` refuses it in the database anyway.
- `Shelter`, `ShelterStay`: places, admissions and departures. A person has at most one
  open stay (a partial unique constraint); a full shelter admits nobody (the service
  locks the shelter row while it counts).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from safepath.accounts.models import Organisation, OrganisationRecord
from safepath.cases.models.case import Case
from safepath.core.geography import VOIVODESHIP_CODES, voivodeship_name
from safepath.core.models import TimeStampedModel
from safepath.people.models import Person


class AssistanceKind(models.TextChoices):
    """What was given. The label names the unit the quantity counts."""

    NFI_KIT = "nfi_kit", _lazy("Non-food item kit")
    HYGIENE_KIT = "hygiene_kit", _lazy("Hygiene kit")
    FOOD = "food", _lazy("Food (parcels)")
    CASH_VOUCHER = "cash_voucher", _lazy("Cash or voucher (PLN)")
    SHELTER_NIGHTS = "shelter_nights", _lazy("Temporary shelter (nights)")
    TRANSPORT = "transport", _lazy("Transport (journeys)")
    MEDICAL_CARE = "medical_care", _lazy("Medical care (visits)")
    MHPSS_SESSION = "mhpss_session", _lazy("MHPSS session")
    LEGAL_COUNSELLING = "legal_counselling", _lazy("Legal counselling (sessions)")
    INTERPRETATION = "interpretation", _lazy("Interpretation (hours)")
    OTHER = "other", _lazy("Other")


class StockItem(models.TextChoices):
    """The kinds of assistance kept in stock: the non-food items."""

    NFI_KIT = AssistanceKind.NFI_KIT.value, _lazy("Non-food item kit")
    HYGIENE_KIT = AssistanceKind.HYGIENE_KIT.value, _lazy("Hygiene kit")


class MovementType(models.TextChoices):
    RECEIPT = "receipt", _lazy("Receipt")
    ISSUE = "issue", _lazy("Issue")
    TRANSFER_OUT = "transfer_out", _lazy("Transfer out")
    TRANSFER_IN = "transfer_in", _lazy("Transfer in")


def _voivodeship(*, blank: bool) -> models.CharField[str, str]:
    return models.CharField(
        _lazy("voivodeship"),
        max_length=2,
        blank=blank,
        choices=[(code, code) for code in VOIVODESHIP_CODES],
    )


class Assistance(TimeStampedModel, OrganisationRecord):
    """One item or service given to a person. `organisation` is the organisation that
    recorded it (and whose staff may see it); `provider` the one that gave it, often the
    same; `created_by` who recorded it."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="assistance", verbose_name=_lazy("person")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="assistance",
        null=True,
        blank=True,
        verbose_name=_lazy("case"),
    )
    kind = models.CharField(_lazy("item or service"), max_length=24, choices=AssistanceKind.choices)
    quantity = models.PositiveIntegerField(_lazy("quantity"))
    given_on = models.DateField(_lazy("given on"))
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("provider organisation"),
    )

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="assistance_quantity_positive"
            )
        ]
        indexes = [
            models.Index(fields=["case", "-given_on"]),
            models.Index(fields=["person", "-given_on"]),
            models.Index(fields=["organisation", "-given_on"]),
        ]
        verbose_name = _lazy("assistance")
        verbose_name_plural = _lazy("assistance")

    def __str__(self) -> str:
        return f"assistance {self.public_id}"


class Warehouse(TimeStampedModel, OrganisationRecord):
    """A place where an organisation keeps relief items. It has one balance row per
    stock item kind from the moment it is created."""

    name = models.CharField(_lazy("name"), max_length=200)
    voivodeship = _voivodeship(blank=True)
    is_active = models.BooleanField(_lazy("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="warehouse_unique_name_per_org"
            )
        ]
        verbose_name = _lazy("warehouse")
        verbose_name_plural = _lazy("warehouses")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:warehouse", args=[self.public_id])

    @property
    def voivodeship_name(self) -> str:
        return voivodeship_name(self.voivodeship) if self.voivodeship else ""


class StockBalance(models.Model):
    """How many of one item a warehouse holds now, and below how many it warns."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="balances")
    kind = models.CharField(_lazy("item"), max_length=24, choices=StockItem.choices)
    quantity = models.IntegerField(_lazy("in stock"), default=0)
    low_stock_threshold = models.IntegerField(_lazy("low-stock threshold"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["warehouse_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "kind"], name="stock_balance_unique_kind"),
            # The second guard: even a write that skipped the lock cannot go below zero.
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(low_stock_threshold__gte=0), name="stock_threshold_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in warehouse {self.warehouse_id}"

    @property
    def is_low(self) -> bool:
        return self.quantity < self.low_stock_threshold


class StockMovement(models.Model):
    """One receipt, issue or half of a transfer. An issue belongs to the assistance
    record it gave; a transfer writes two movements, out of one warehouse and into the
    other, each naming the other warehouse."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_lazy("item"), max_length=24, choices=StockItem.choices)
    movement = models.CharField(_lazy("movement"), max_length=16, choices=MovementType.choices)
    quantity = models.PositiveIntegerField(_lazy("quantity"))
    balance_after = models.IntegerField(_lazy("balance after"))
    occurred_on = models.DateField(_lazy("date"))
    assistance = models.OneToOneField(
        Assistance,
        on_delete=models.PROTECT,
        related_name="stock_issue",
        null=True,
        blank=True,
    )
    other_warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="stock_movement_positive"),
            models.CheckConstraint(
                condition=(Q(movement=MovementType.ISSUE) & Q(assistance__isnull=False))
                | (~Q(movement=MovementType.ISSUE) & Q(assistance__isnull=True)),
                name="stock_issue_has_assistance",
            ),
            models.CheckConstraint(
                condition=(
                    Q(movement__in=[MovementType.TRANSFER_IN, MovementType.TRANSFER_OUT])
                    & Q(other_warehouse__isnull=False)
                )
                | (
                    Q(movement__in=[MovementType.RECEIPT, MovementType.ISSUE])
                    & Q(other_warehouse__isnull=True)
                ),
                name="stock_transfer_has_other_warehouse",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "-id"])]

    def __str__(self) -> str:
        return f"{self.movement} of {self.quantity} {self.kind}"


class Shelter(TimeStampedModel, OrganisationRecord):
    """A shelter run by (or with places reserved for) an organisation."""

    name = models.CharField(_lazy("name"), max_length=200)
    voivodeship = _voivodeship(blank=False)
    capacity = models.PositiveIntegerField(_lazy("capacity (places)"))
    is_active = models.BooleanField(_lazy("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="shelter_unique_name_per_org"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shelter_capacity_positive"),
        ]
        verbose_name = _lazy("shelter")
        verbose_name_plural = _lazy("shelters")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:shelter", args=[self.public_id])

    @property
    def voivodeship_name(self) -> str:
        return voivodeship_name(self.voivodeship) if self.voivodeship else ""


class ShelterStay(TimeStampedModel):
    """A person's stay in a shelter, from admission to departure (open while
    `departed_on` is empty)."""

    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="shelter_stays")
    admitted_on = models.DateField(_lazy("admitted on"))
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    departed_on = models.DateField(_lazy("departed on"), null=True, blank=True)
    departed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-admitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(departed_on__isnull=True),
                name="shelter_stay_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=models.F("admitted_on")),
                name="shelter_stay_departs_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["shelter", "departed_on"])]

    def __str__(self) -> str:
        return f"stay {self.public_id}"
