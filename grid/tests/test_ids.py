"""grid.ids.many_ids: many ids for an ``__in`` lookup, as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grid.ids import many_ids
from grid.models import GridPoint

pytestmark = pytest.mark.django_db


def test_it_selects_exactly_the_ids_given(city):
    points = list(GridPoint.objects.order_by("pk").values_list("pk", flat=True))
    wanted = [*points[::2], max(points) + 1000]  # one that does not exist
    with CaptureQueriesContext(connection) as queries:
        found = set(GridPoint.objects.filter(pk__in=many_ids(wanted)).values_list("pk", flat=True))
    assert found == set(points[::2])
    if connection.vendor == "postgresql":
        assert "unnest" in queries[0]["sql"]


def test_no_ids_select_nothing(city):
    assert not GridPoint.objects.filter(pk__in=many_ids([])).exists()
