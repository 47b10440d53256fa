"""`safepath rotate_keys`: re-encrypt every encrypted field under the primary key.

To rotate the field-encryption key:

1. put a new key first in SAFEPATH_FIELD_KEYS, keeping the old ones after it;
2. restart the application, then run `safepath rotate_keys`;
3. remove the old key from SAFEPATH_FIELD_KEYS and restart again.

Rows are read and rewritten in batches by primary key, each batch in one
transaction with its rows locked (on PostgreSQL), so a failure leaves every
row readable with the configured keys. Only counts are printed, never values.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from safepath.core import crypto
from safepath.core.fields import EncryptedDateField, EncryptedTextField

ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedDateField)


def encrypted_fields() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Every concrete model with encrypted fields, and those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields: list[models.Field[Any, Any]] = [
            f for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)
        ]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the first key of SAFEPATH_FIELD_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="rows per transaction (default 500)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = 0
        for model, fields in encrypted_fields():
            counts = self._rotate_model(model, fields, batch_size)
            for field in fields:
                self.stdout.write(f"{model._meta.label}.{field.name}: {counts[field.name]} rotated")
                total += counts[field.name]
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} values under the primary key."))

    def _rotate_model(
        self, model: type[models.Model], fields: list[models.Field[Any, Any]], batch_size: int
    ) -> dict[str, int]:
        counts = dict.fromkeys((f.name for f in fields), 0)
        # Cast to plain text: the stored token, not the decrypted value.
        raw = {f"_raw_{f.name}": Cast(f.name, output_field=models.TextField()) for f in fields}
        manager = model._base_manager
        last_pk: Any = None
        while True:
            with transaction.atomic():
                rows = manager.order_by("pk").select_for_update()
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows.annotate(**raw).values_list("pk", *raw)[:batch_size])
                for pk, *tokens in batch:
                    updates: dict[str, Any] = {}
                    for field, token in zip(fields, tokens, strict=True):
                        if not token:
                            continue
                        try:
                            rotated = crypto.rotate(token)
                        except crypto.DecryptionError as exc:
                            raise CommandError(
                                f"{model._meta.label}.{field.name} of row {pk} cannot be "
                                "decrypted with any configured key; this batch was not changed."
                            ) from exc
                        updates[field.name] = models.Value(rotated, output_field=models.TextField())
                        counts[field.name] += 1
                    if updates:
                        manager.filter(pk=pk).update(**updates)
            if len(batch) < batch_size:
                return counts
            last_pk = batch[-1][0]
