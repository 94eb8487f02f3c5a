"""SQL pieces the figures are built from: elapsed hours and the median, on both databases.

The median is PostgreSQL's ``percentile_cont(0.5)``, an ordered-set aggregate that sits in the
same ``GROUP BY`` as the counts. SQLite has no such aggregate; there the median of each group
is taken by one query with window functions (the middle row, or the mean of the two middle
rows, of each group ordered by value): the same value, still computed by the database.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Aggregate, Expression, FloatField, Func, QuerySet


class Hours(Func):
    """Hours from ``start`` to ``end`` (a float; null if either is null)."""

    output_field = FloatField()
    arity = 2  # (end, start)

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"Hours() is not written for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class Median(Aggregate):
    """The median of an expression over a group (PostgreSQL only: see :func:`medians`)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def aggregates_median() -> bool:
    """Whether the database computes medians as an aggregate in a ``GROUP BY``."""
    return connection.vendor == "postgresql"


def medians(queryset: QuerySet, *, key: Expression, value: Expression) -> dict:
    """``{key: median of value}`` over ``queryset``'s rows with a value, in one query.

    For databases without an ordered-set aggregate (SQLite): the middle of each group by
    ``ROW_NUMBER()`` and ``COUNT(*)`` over the group.
    """
    inner = (
        queryset.order_by()
        .annotate(_key=key, _value=value)
        .filter(_value__isnull=False)
        .values("_key", "_value")
    )
    sql, params = inner.query.sql_with_params()
    # The ORM's own SQL inside; every value stays a parameter.
    outer = (
        "SELECT _key, AVG(_value) FROM ("  # noqa: S608
        " SELECT _key, _value,"
        " ROW_NUMBER() OVER (PARTITION BY _key ORDER BY _value) AS _rn,"
        " COUNT(*) OVER (PARTITION BY _key) AS _n"
        f" FROM ({sql}) AS _rows"
        ") AS _ranked WHERE _rn IN ((_n + 1) / 2, (_n + 2) / 2) GROUP BY _key"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return dict(cursor.fetchall())
