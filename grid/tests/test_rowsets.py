"""grid.rowsets: literal rows as a relation a statement joins (an array literal per column on
PostgreSQL, VALUES elsewhere); what goes in comes back out, whatever its characters."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from grid.rowsets import pg_array, values_cte

pytestmark = pytest.mark.django_db

AWKWARD = ["plain", 'a "quoted" word', "back\\slash", "{braces, commas}", "NULL", "", "中文 · 空格"]


def test_every_value_comes_back_as_it_went_in():
    ops = connection.ops
    at = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    rows = [
        (i, text, ops.adapt_datetimefield_value(at), ops.adapt_datefield_value(date(2026, 11, 1)))
        for i, text in enumerate(AWKWARD)
    ]
    rows.append((len(AWKWARD), None, None, None))
    columns = (("n", "bigint"), ("word", "text"), ("at", "timestamptz"), ("day", "date"))
    cte, params = values_cte("r", columns, rows)
    with connection.cursor() as cursor:
        cursor.execute(f'{cte} SELECT "n", "word" FROM r ORDER BY "n"', params)  # noqa: S608
        assert cursor.fetchall() == [(i, text) for i, text in enumerate([*AWKWARD, None])]
        sql = f'{cte} SELECT count(*) FROM r WHERE "at" = %s'  # noqa: S608
        cursor.execute(sql, [*params, rows[0][2]])
        assert cursor.fetchone()[0] == len(AWKWARD)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array literals")
def test_an_array_literal_is_read_back_whole_by_postgresql():
    values = [*AWKWARD, None]
    with connection.cursor() as cursor:
        cursor.execute("SELECT unnest(%s::text[])", [pg_array(values)])
        assert [row[0] for row in cursor.fetchall()] == values
        cursor.execute("SELECT unnest(%s::numeric[])", [pg_array([Decimal("-1.50"), 2])])
        assert [row[0] for row in cursor.fetchall()] == [Decimal("-1.50"), Decimal(2)]
        cursor.execute("SELECT unnest(%s::boolean[])", [pg_array([True, False])])
        assert [row[0] for row in cursor.fetchall()] == [True, False]


def test_no_rows_is_refused():
    with pytest.raises(ValueError, match="at least one row"):
        values_cte("r", (("n", "bigint"),), [])
