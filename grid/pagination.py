"""Counting long lists: exactly while they are short, at most so far past the page asked for.

An exact count reads every row of the list (a county's whole history is tens of thousands of
index entries, the city's hundreds of thousands), however few the page shows. Counting stops
``COUNT_CAP`` rows past the first row of the page asked for instead, so a count costs about
what reading the page costs: a list shorter than that is counted exactly, a longer one is
"more than N" (``count_exact`` false) and its pages stay reachable one after another.
Figures: bench/README.md, "Counts of case lists".
"""

from __future__ import annotations

from contextlib import suppress

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000
# No list holds more rows than a database counts in a 64-bit integer: a page past that (page=10**25)
# is empty without asking, where counting up to it overflowed the query's LIMIT (a 500).
MAX_ROWS = 2**62


def count_at_most(queryset: QuerySet, limit: int) -> int:
    """``min(queryset.count(), limit)``, reading no more than ``limit`` rows."""
    return queryset.order_by().values("pk")[:limit].count()


class CappedPaginator(Paginator):
    """A Django paginator whose count stops ``cap`` rows past the page asked for.

    ``count`` is exact when ``count_exact`` is true; otherwise the list has more than
    ``count`` rows, and the page after the one asked for exists.
    """

    cap = COUNT_CAP

    def __init__(self, *args, cap: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Past a full page, so that "more than count" always leaves a next page.
        self.cap = max(self.cap if cap is None else cap, self.per_page + 1)
        self._first = 0  # index of the first row of the page asked for

    def validate_number(self, number):
        if "count" not in self.__dict__:  # the first page asked for says how far to count
            with suppress(TypeError, ValueError):
                self._first = max(int(number) - 1, 0) * self.per_page
            if self._first + self.cap >= MAX_ROWS:
                self._first = 0
                raise EmptyPage(self.error_messages["no_results"])
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        limit = self._first + self.cap + 1
        counted = count_at_most(self.object_list, limit)
        self._exact = counted < limit
        return counted if self._exact else limit - 1

    @property
    def count_exact(self) -> bool:
        """True if ``count`` is the list's length, False if the list is longer."""
        self.count  # noqa: B018 - counted once, on first use
        return self._exact
