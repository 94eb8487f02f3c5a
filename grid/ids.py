"""Many ids as the right-hand side of an ``__in`` lookup, cheaply.

``filter(pk__in=ids)`` with 15,000 ids makes Django prepare 15,000 parameters one by one
(more Python than the query costs the database). :func:`many_ids` passes them to PostgreSQL
as one array parameter instead (``IN (SELECT unnest(%s::bigint[]))``, an array literal:
:func:`grid.rowsets.pg_array`); other databases get the list as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL

from grid.rowsets import pg_array


def many_ids(ids: Iterable[int]) -> list[int] | RawSQL:
    """``ids`` for ``field__in=``: one array parameter on PostgreSQL, else the list."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [pg_array(ids)])
    return ids
