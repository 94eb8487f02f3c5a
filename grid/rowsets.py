"""Many literal rows as a relation one statement can join, cheaply.

A sweep that writes 15,000 rows derived from what it holds in Python (ids, moments) passes them
as a ``WITH`` relation and lets the database join the rest, instead of reading the rest into
Python and writing it back row by row. On PostgreSQL the rows travel as one array parameter per
column (``unnest``); elsewhere as a ``VALUES`` list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import connection


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    value = value.isoformat() if isinstance(value, datetime | date) else str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values: Iterable) -> str:
    """``values`` as one PostgreSQL array literal (``'{1,2,3}'``), for a ``%s::type[]``
    parameter: the server reads it with the array type's own parser, where a Python list
    passed as it is becomes an ``ARRAY[…]`` expression of one constant (and one cast) per
    element, which costs more to build here and to parse there than the statement's work."""
    return "{" + ",".join(_element(value) for value in values) + "}"


def values_cte(
    name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple]
) -> tuple[str, list]:
    """``WITH name (column, …) AS (…)`` holding ``rows``, and its parameters.

    ``columns`` are (name, PostgreSQL type) pairs; each row gives their values in order,
    already adapted for the database (``connection.ops.adapt_*``). Not for an empty list; on
    databases other than PostgreSQL the caller keeps rows × columns within the backend's
    parameter limit.
    """
    if not rows:
        raise ValueError("values_cte needs at least one row")
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column, _type in columns)
    if connection.vendor == "postgresql":
        arrays = [pg_array(values) for values in zip(*rows, strict=True)]
        unnest = ", ".join(f"%s::{kind}[]" for _column, kind in columns)
        return f"WITH {name} ({names}) AS (SELECT * FROM unnest({unnest}))", arrays  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = ", ".join([one] * len(rows))
    return f"WITH {name} ({names}) AS (VALUES {values})", [v for row in rows for v in row]
