"""Notification rows written without model instances: a sweep telling 15,000 people builds
15,000 plain tuples, not 15,000 :class:`~notifications.models.Notification` objects (whose
``bulk_create`` spends more in Python than the database spends on the rows).

The columns come from the model: those a message gives (:data:`WRITTEN`, with their
PostgreSQL array types) and every other column as its constant (NULL if nullable, else the
field's default), checked at import, so a new column cannot be forgotten silently. On
PostgreSQL one ``INSERT … SELECT FROM unnest(…)`` per :data:`CHUNK` rows; elsewhere one
``INSERT … VALUES`` per the backend's batch size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from grid.rowsets import pg_array
from notifications.models import Notification

# Written per row, in this order, with their PostgreSQL array types.
WRITTEN = {
    "recipient_id": "bigint",
    "kind": "text",
    "subject": "text",
    "text": "text",
    "url": "text",
    "context": "jsonb",
    "urgent": "boolean",
}
CHUNK = 5000


def _field(column: str):
    return next(f for f in Notification._meta.concrete_fields if f.column == column)


def _constant_fields() -> list:
    fields = []
    for f in Notification._meta.concrete_fields:
        if f.primary_key or f.column in WRITTEN:
            continue
        if not (f.null or f.has_default() or getattr(f, "auto_now_add", False)):
            raise TypeError(f"notifications.bulk does not write {f.column}")  # pragma: no cover
        fields.append(f)
    return fields


_CONSTANT_FIELDS = _constant_fields()
_CONTEXT = _field("context")
#: Every column an INSERT names, in order.
COLUMNS = (*WRITTEN, *(f.column for f in _CONSTANT_FIELDS))


def context_value(context: dict) -> str:
    """A message's context as the JSON text its column stores."""
    return json.dumps(context, cls=_CONTEXT.encoder)


def _constants(now: datetime) -> list:
    values = []
    for f in _CONSTANT_FIELDS:
        if getattr(f, "auto_now_add", False):
            value = now
        elif f.null:
            value = None
        else:
            value = f.get_default()
        values.append(f.get_db_prep_save(value, connection))
    return values


def insert_rows(rows: Sequence[tuple], *, now: datetime, size: int = CHUNK) -> int:
    """INSERT ``rows`` (tuples of :data:`WRITTEN`'s columns, in order; context as
    :func:`context_value`'s text; subject, text and url already cut to their columns) in the
    caller's transaction, ``size`` rows per statement (at most the backend's limit); returns
    how many. Nothing is published: the caller asks for delivery (after its commit)."""
    if not rows:
        return 0
    ops = connection.ops
    table = ops.quote_name(Notification._meta.db_table)
    column_list = ", ".join(ops.quote_name(c) for c in COLUMNS)
    constants = _constants(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            unnest = ", ".join(f"%s::{kind}[]" for kind in WRITTEN.values())
            marks = "".join(", %s" for _c in constants)
            sql = f"INSERT INTO {table} ({column_list}) SELECT *{marks} "
            sql += f"FROM unnest({unnest})"
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                arrays = [pg_array(column) for column in zip(*chunk, strict=True)]
                cursor.execute(sql, [*constants, *arrays])
        else:
            one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
            size = max(1, min(size, ops.bulk_batch_size(COLUMNS, rows)))
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                sql = f"INSERT INTO {table} ({column_list}) VALUES "  # noqa: S608
                sql += ", ".join([one] * len(chunk))
                cursor.execute(sql, [v for row in chunk for v in (*row, *constants)])
    return len(rows)


def insert_select(sql: str, params: Sequence, *, kind: str, urgent: bool, now: datetime) -> int:
    """INSERT the messages of one ``kind`` that a query selects, in the caller's transaction,
    without reading them into Python: ``sql`` selects ``recipient_id, subject, text, url`` (one
    row per recipient and message; it may begin with a ``WITH`` clause), the subject, text and
    url are cut to their columns here, the context is empty. Returns how many rows."""
    ops = connection.ops
    table = ops.quote_name(Notification._meta.db_table)
    column_list = ", ".join(ops.quote_name(c) for c in COLUMNS)
    cut = {c: _field(c).max_length for c in ("subject", "text", "url")}
    context = _CONTEXT.db_type(connection)
    select = ", ".join(
        [
            "q.recipient_id",
            "%s",
            *(f"substr(q.{c}, 1, {cut[c]})" for c in ("subject", "text", "url")),
            f"CAST(%s AS {context})",
            "%s",
            *["%s"] * len(_CONSTANT_FIELDS),
        ]
    )
    statement = f"INSERT INTO {table} ({column_list}) SELECT {select} FROM ({sql}) q"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, [kind, "{}", urgent, *_constants(now), *params])
        return max(cursor.rowcount, 0)
