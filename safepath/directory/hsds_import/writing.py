"""Writing a checked plan: one transaction creates or updates each object by its HSDS
id (`public_id`), and removes the nested objects a service no longer has. Each create,
update (per field) and delete is a `MetadataChange` with `updated_by` "import". A
second import of the same file changes nothing.
"""

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from safepath.directory.change_log import record_change
from safepath.directory.hsds_import.objects import Plan
from safepath.directory.hsds_import.plan import Row
from safepath.directory.hsds_import.tables import (
    CHILDREN,
    FK,
    LIST_NAMES,
    ORDER,
    RESOURCE_TYPES,
    UPDATED_BY,
)
from safepath.directory.models import Service, ServiceAtLocation


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _db_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return str(value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return bool(old == new)


@transaction.atomic
def write(plan: Plan, count: int) -> Summary:
    pks: dict[type[models.Model], dict[uuid.UUID, int]] = defaultdict(dict)
    changed_items: set[int] = set()
    created_items: set[int] = set()
    by_model: dict[type[models.Model], list[Row]] = defaultdict(list)
    for row in plan.rows.values():
        by_model[row.model].append(row)
    for model in ORDER:
        rows = by_model.get(model, [])
        found = {
            obj.public_id: obj  # type: ignore[attr-defined]
            for obj in model._default_manager.filter(public_id__in=[r.public_id for r in rows])
        }
        for row in rows:
            obj = found.get(row.public_id)
            if row.existing:
                assert obj is not None
                pks[model][row.public_id] = obj.pk
                continue
            values = dict(row.values)
            for name, (parent_model, parent_id) in row.links.items():
                values[f"{name}_id"] = pks[parent_model][parent_id]
            for name in _single_owner(row):
                values[f"{name}_id"] = None  # one parent only: drop a previous one
            for name, text in row.texts.items():
                if name in row.translations:
                    values[name] = row.translations[name]
                    continue
                current = dict(getattr(obj, name) or {}) if obj is not None else {}
                if text:
                    current[plan.language] = text
                else:
                    current.pop(plan.language, None)
                values[name] = current
            kind = RESOURCE_TYPES[model]
            if obj is None:
                obj = model(public_id=row.public_id, **values)
                obj.save()
                record_change(
                    actor=None,
                    updated_by=UPDATED_BY,
                    resource=obj,
                    resource_type=kind,
                    action="create",
                )
                changed_items |= row.items
                if model is Service:
                    created_items |= row.items
            else:
                changes = [
                    (name, getattr(obj, name), value)
                    for name, value in values.items()
                    if not _same(getattr(obj, name), value)
                ]
                if changes:
                    for name, value in values.items():
                        setattr(obj, name, value)
                    obj.save()
                    for name, old, new in changes:
                        record_change(
                            actor=None,
                            updated_by=UPDATED_BY,
                            resource=obj,
                            resource_type=kind,
                            action="update",
                            field_name=name.removesuffix("_id"),
                            previous_value=_db_value(old),
                            replacement_value=_db_value(new),
                        )
                    changed_items |= row.items
            pks[model][row.public_id] = obj.pk
    changed_items |= _remove_missing(plan, pks)
    summary = Summary()
    for index in range(count):
        if index in created_items:
            summary.created += 1
        elif index in changed_items:
            summary.updated += 1
        else:
            summary.unchanged += 1
    return summary


def _single_owner(row: Row) -> set[str]:
    """The other parent keys of a row that belongs to one parent (to clear)."""
    return {
        fk
        for (model, _parent), fk in FK.items()
        if model is row.model and fk not in row.links and model is not ServiceAtLocation
    }


def _remove_missing(plan: Plan, pks: dict[type[models.Model], dict[uuid.UUID, int]]) -> set[int]:
    """Delete the rows an imported parent no longer has; answer the items touched."""
    touched: set[int] = set()
    kept: dict[tuple[type[models.Model], str, int], set[uuid.UUID]] = defaultdict(set)
    for row in plan.rows.values():
        for fk, (parent_model, parent_id) in row.links.items():
            if (row.model, parent_model) in FK:
                kept[(row.model, fk, pks[parent_model][parent_id])].add(row.public_id)
    for row in plan.rows.values():
        if row.existing:
            continue
        for child, fk in CHILDREN.get(row.model, []):
            if LIST_NAMES[child] not in row.lists:
                continue  # not given: left as it is
            parent_pk = pks[row.model][row.public_id]
            keep = kept.get((child, fk, parent_pk), set())
            stale = child._default_manager.filter(**{f"{fk}_id": parent_pk}).exclude(
                public_id__in=keep
            )
            for obj in stale:
                record_change(
                    actor=None,
                    updated_by=UPDATED_BY,
                    resource=obj,
                    resource_type=RESOURCE_TYPES[child],
                    action="delete",
                )
                obj.delete()
                touched |= row.items
    return touched
