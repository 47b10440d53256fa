"""Writing many new rows of one model at once, for bulk imports.

`insert_copies(prototype, field, values)` writes one row per value: the prototype with
that field set to the value. Its other values are prepared once, not once per row, and
nothing is read back; made for audit events that differ only by their object.

`insert_many(model, objects)` is `bulk_create` made cheaper on PostgreSQL: it draws
the ids from the table's sequence in one query, then streams the rows with COPY, which
costs Python and the server several times less than the multi-row INSERT of
`bulk_create` (psycopg's threaded writer was tried and measured slower: the rows are
small and the GIL is shared). On other databases it is `bulk_create`. Either way each
object has its id afterwards.

Every value goes through its field's own `pre_save` and `get_db_prep_save`, as in
`bulk_create`: defaults, `auto_now`/`auto_now_add`, JSON and encrypted fields are stored
exactly as the ORM stores them. Constraints and foreign keys are checked by the
database as for any insert, and its errors are Django's (`IntegrityError`, ...).
"""

import copy
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

BATCH_SIZE = 1000


def _draw_ids(connection: BaseDatabaseWrapper, model: type[models.Model], count: int) -> list[int]:
    """`count` new ids from the sequence behind the model's primary key."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_many[M: models.Model](model: type[M], objects: Sequence[M]) -> None:
    """Insert `objects`, new instances of `model`, in the caller's transaction. An
    object without a primary key gets one."""
    if not objects:
        return
    # The connection itself, not the `django.db.connection` proxy: it is read for every
    # value of every row.
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    for instance in objects:
        # As bulk_create does: a related object saved since it was assigned gives its id,
        # and an unsaved one is refused.
        instance._prepare_related_fields_for_save(  # type: ignore[attr-defined]
            operation_name="insert_many"
        )
    missing = [instance for instance in objects if instance.pk is None]
    for instance, new_id in zip(missing, _draw_ids(connection, model, len(missing)), strict=True):
        instance.pk = new_id
    fields: list[models.Field[Any, Any]] = list(model._meta.local_concrete_fields)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join([sql.Identifier(str(field.column)) for field in fields]),
    )
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # psycopg's own cursor, in Django's connection and transaction
        steps = [(field.pre_save, field.get_db_prep_save) for field in fields]
        with raw.copy(statement) as stream:
            for instance in objects:
                stream.write_row(
                    [prepare(pre_save(instance, True), connection) for pre_save, prepare in steps]
                )
    for instance in objects:
        instance._state.adding = False
        instance._state.db = connection.alias


def insert_copies[M: models.Model](prototype: M, field_name: str, values: Sequence[Any]) -> int:
    """Insert one new row per value: `prototype` (an unsaved instance) with `field_name`
    set to the value. Every other value, an `auto_now_add` time included, is the
    prototype's for all the rows. Ids are left to the database and not read back.
    Returns the number of rows."""
    if not values:
        return 0
    model = type(prototype)
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        instances = []
        for value in values:
            instance = copy.copy(prototype)
            setattr(instance, field_name, value)
            instances.append(instance)
        model._default_manager.bulk_create(instances, batch_size=BATCH_SIZE)
        return len(instances)
    prototype._prepare_related_fields_for_save(  # type: ignore[attr-defined]
        operation_name="insert_copies"
    )
    fields: list[models.Field[Any, Any]] = [
        field
        for field in model._meta.local_concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    ]
    varying = model._meta.get_field(field_name)
    assert isinstance(varying, models.Field)
    position = fields.index(varying)
    row = [field.get_db_prep_save(field.pre_save(prototype, True), connection) for field in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join([sql.Identifier(str(field.column)) for field in fields]),
    )
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        with raw.copy(statement) as stream:
            for value in values:
                row[position] = varying.get_db_prep_save(value, connection)
                stream.write_row(row)
    return len(values)
