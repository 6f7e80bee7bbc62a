"""Insert many new rows at once, given as ``{attname: value}`` dicts.

On PostgreSQL the ids are drawn from the table's own sequence and the rows go in with one
``COPY ... FROM STDIN``: several times faster than a multi-row INSERT, whose parameters are
all quoted client-side, and no model instance is built per row. Elsewhere (SQLite) the rows
become model instances for ``bulk_create``. Either way, columns left out get the field's
default, ``auto_now``/``auto_now_add`` columns get the current time, and the new ids come back
in order. Call it inside a transaction: a failed COPY leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Field, JSONField, Model
from django.utils import timezone

BATCH = 1000
Row = dict[str, Any]


def _next_ids(model: type[Model], count: int) -> list[int]:
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _reader(field: Field, now: datetime) -> Callable[[Row], Any]:
    """How one column's value is read from a row dict for COPY."""
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda row: row.get(name) or now
    if isinstance(field, JSONField):
        encoder = field.encoder
        return lambda row: json.dumps(
            row[name] if name in row else field.get_default(), cls=encoder
        )
    return lambda row: row[name] if name in row else field.get_default()


def _copy(model: type[Model], rows: Sequence[Row]) -> list[int]:
    meta = model._meta
    fields = meta.concrete_fields
    ids = _next_ids(model, len(rows))
    readers = [_reader(field, timezone.now()) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    pk_name = meta.pk.attname
    # The raw psycopg cursor raises psycopg errors: map them to Django's (IntegrityError ...).
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row, pk in zip(rows, ids, strict=True):
            row[pk_name] = pk
            copy.write_row([read(row) for read in readers])
    return ids


def insert_rows(model: type[Model], rows: Sequence[Row]) -> list[int]:
    """Insert ``rows`` (their primary key is set in each dict too); returns the new ids."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, rows)
    objs = [model(**row) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    pk_name = model._meta.pk.attname
    for row, obj in zip(rows, objs, strict=True):
        row[pk_name] = obj.pk
    return [obj.pk for obj in objs]
