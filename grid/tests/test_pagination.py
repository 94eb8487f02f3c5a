"""Counting long lists only so far past the page asked for (grid.pagination)."""

from __future__ import annotations

import pytest

from grid.models import Region
from grid.pagination import CappedPaginator, count_at_most

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(city):
    """The city's 15 regions (city, 2 counties, 4 townships, 8 villages), by path."""
    return Region.objects.order_by("path")


def test_count_at_most_reads_no_further_than_the_limit(regions, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        assert count_at_most(regions, 4) == 4
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]
    assert count_at_most(regions, 100) == 15


def test_a_short_list_is_counted_exactly(regions):
    paginator = CappedPaginator(regions, 4, cap=100)
    page = paginator.get_page(2)
    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (15, True, 4)
    assert page.has_next()


def test_a_long_list_says_more_than_and_leads_on_past_what_was_counted(regions):
    first = CappedPaginator(regions, 2, cap=3).get_page(1)
    assert (first.paginator.count, first.paginator.count_exact) == (3, False)  # more than 3
    assert first.has_next()
    # a page past the counted range counts on from where it starts
    later = CappedPaginator(regions, 2, cap=3).get_page(5)
    assert later.number == 5
    assert [r.pk for r in later.object_list] == [r.pk for r in regions[8:10]]
    assert (later.paginator.count, later.paginator.count_exact) == (11, False)
    assert later.has_next()
    last = CappedPaginator(regions, 2, cap=3).get_page(8)
    assert (last.paginator.count, last.paginator.count_exact) == (15, True)
    assert len(last.object_list) == 1
    assert not last.has_next()


def test_pages_past_the_end_and_bad_numbers_fall_back_as_djangos_do(regions):
    assert CappedPaginator(regions, 2, cap=3).get_page(99).number == 8  # the last page
    assert CappedPaginator(regions, 2, cap=3).get_page("x").number == 1


def test_the_cap_is_never_below_a_page(regions):
    """A count of "more than" must leave a next page: it reaches past a full page."""
    page = CappedPaginator(regions, 5, cap=2).get_page(1)
    assert (page.paginator.count, page.paginator.count_exact) == (6, False)
    assert page.has_next()
