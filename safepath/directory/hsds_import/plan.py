"""Planning an import: HSDS JSON → rows, with every problem.

Each service, once valid against the HSDS schema, becomes rows (`Row`), checked again
as safepath stores them (lengths, choices, references: the organization nested or
named by an id that exists; taxonomy terms by id or by taxonomy and code). Every error
is collected with the service's index and id and a JSON pointer.

Decisions:
- A text that arrives as a plain string is stored under `language` (default "en"),
  keeping the other languages already stored. An object may carry `translations`
  ({field: {language: text}}, what the export writes): those replace the whole text.
- Organisations and locations are shared: the same id anywhere in the file is one row
  (two different contents for one id is an error). Phones, contacts, schedules,
  languages, addresses, service areas, attributes and capacities belong to one parent:
  when the same id appears under a second parent (as in the HSDS examples, where one
  phone is under the service, its location and its contact), the second is stored as a
  copy with an id derived from the id and its parent (uuid5), so a re-import finds it.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_date, parse_time

from safepath.directory import i18n
from safepath.directory.hsds_import.problems import Problem
from safepath.directory.hsds_import.tables import COPY_NAMESPACE, FK, SHARED


@dataclass
class Row:
    """One row to create or update."""

    model: type[models.Model]
    public_id: uuid.UUID
    values: dict[str, Any]
    texts: dict[str, str]  # translated field → text in the import language
    translations: dict[str, dict[str, str]]  # translated field → every language
    links: dict[str, tuple[type[models.Model], uuid.UUID]]  # foreign key → parent row
    item: int
    pointer: str
    items: set[int] = field(default_factory=set)
    existing: bool = False  # found in the database and only referenced (terms)
    service_id: str = ""
    lists: set[str] = field(default_factory=set)  # nested lists given (replaced)


class PlanBase:
    """The rows planned so far and the problems found; `objects.Plan` adds the HSDS
    objects, `references.TaxonomyReferences` the taxonomy terms."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.rows: dict[tuple[type[models.Model], uuid.UUID], Row] = {}
        self.problems: list[Problem] = []
        self.item = 0
        self.service_id = ""

    # bookkeeping

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(Problem(self.item, self.service_id, pointer, message))

    def _row(
        self,
        model: type[models.Model],
        data: dict[str, Any],
        pointer: str,
        *,
        values: dict[str, Any],
        texts: tuple[str, ...] = (),
        links: dict[str, tuple[type[models.Model], uuid.UUID]] | None = None,
        parent: tuple[type[models.Model], uuid.UUID] | None = None,
    ) -> uuid.UUID:
        """Add (or merge) the row for `data`; answer the id it is stored under."""
        public_id = uuid.UUID(str(data["id"]))
        links = dict(links or {})
        plain = {name: plain_text(data.get(name)) for name in texts}
        translations = self._translations(data, texts, pointer)
        key = (model, public_id)
        other = self.rows.get(key)
        if (
            other is not None
            and model not in SHARED
            and parent is not None
            and other.links.get(_fk_of(other, parent[0])) != parent
        ):
            # The same id under another parent: a copy of its own.
            seed = f"{public_id}|{parent[0].__name__}|{parent[1]}"
            public_id = uuid.uuid5(COPY_NAMESPACE, seed)
            key = (model, public_id)
            other = self.rows.get(key)
        if other is not None:
            same = (other.values, other.texts, other.translations) == (values, plain, translations)
            if not same:
                self.problem(
                    pointer,
                    f"id {public_id} appears again with other values (first at "
                    f"service {other.item} {other.pointer or '/'})",
                )
            for name, target in links.items():
                if other.links.setdefault(name, target) != target:
                    self.problem(pointer, f"id {public_id} is linked to two different {name}s")
            other.items.add(self.item)
            other.lists |= {name for name, value in data.items() if isinstance(value, list)}
            return public_id
        self.rows[key] = Row(
            model,
            public_id,
            values,
            plain,
            translations,
            links,
            self.item,
            pointer,
            {self.item},
            service_id=self.service_id,
            lists={name for name, value in data.items() if isinstance(value, list)},
        )
        return public_id

    def _translations(
        self, data: dict[str, Any], texts: tuple[str, ...], pointer: str
    ) -> dict[str, dict[str, str]]:
        given = data.get("translations")
        if given is None:
            return {}
        if not isinstance(given, dict):
            self.problem(f"{pointer}/translations", "must be an object")
            return {}
        cleaned: dict[str, dict[str, str]] = {}
        for name, value in given.items():
            if name not in texts:
                self.problem(f"{pointer}/translations/{name}", "not a translatable field")
                continue
            try:
                cleaned[name] = i18n.clean(value)
            except ValueError as error:
                self.problem(f"{pointer}/translations/{name}", str(error))
        return cleaned

    # values

    def _whole(self, value: Any, pointer: str, *, required: bool = False) -> int | None:
        if value is None:
            if required:
                self.problem(pointer, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            self.problem(pointer, "must be a whole number")
            return None
        if value < 0:
            self.problem(pointer, "must not be negative")
            return None
        return int(value)

    def _decimal(self, value: Any, pointer: str) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value)).quantize(Decimal("0.000001"))
        except InvalidOperation:
            self.problem(pointer, "must be a number")
            return None

    def _date(self, value: Any, pointer: str) -> date | None:
        if value in (None, ""):
            return None
        parsed = _parse(parse_date, str(value)[:10] if len(str(value)) > 10 else str(value))
        if parsed is None:
            self.problem(pointer, "must be a date (YYYY-MM-DD)")
        return parsed

    def _time(self, value: Any, pointer: str) -> time | None:
        if value in (None, ""):
            return None
        parsed = _parse(parse_time, str(value))
        if parsed is None:
            self.problem(pointer, "must be a time (HH:MM or HH:MM:SS)")
        return parsed

    # the rows as safepath stores them

    def check_rows(self) -> None:
        for row in self.rows.values():
            if row.existing:
                continue
            instance = row.model(**row.values)
            for name, text in row.texts.items():
                setattr(instance, name, {self.language: text} if text else {})
            for name, texts in row.translations.items():
                setattr(instance, name, texts)
            skip = [f.name for f in row.model._meta.fields if f.is_relation] + ["public_id"]
            try:
                instance.clean_fields(exclude=skip)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.problems.append(
                            Problem(
                                row.item,
                                row.service_id,
                                f"{row.pointer}/{_hsds_name(name)}",
                                message,
                            )
                        )
        self.problems.sort(key=lambda p: (-1 if p.item is None else p.item, p.pointer))


def _fk_of(row: Row, parent: type[models.Model]) -> str:
    return FK.get((row.model, parent), "")


def _hsds_name(name: str) -> str:
    return {"unit_name": "unit/name", "unit_scheme": "unit/scheme"}.get(name, name)


def plain_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _parse[T](parser: Any, value: str) -> T | None:
    try:
        return parser(value)  # type: ignore[no-any-return]
    except ValueError:
        return None
