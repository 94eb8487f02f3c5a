"""Exact counts of case lists, kept in the shared cache until a case they could hold changes.

Counting a county's cases is most of what a list costs the database (an index scan over tens
of thousands of entries on every page), while the cases themselves change far less often than
lists are read. A count is kept under its own query and the *version* of the cases it could
include: the cases of one county for anyone whose home node is a county or below it (everything
they may see lies in that county), every case for anyone above. Every write to a case starts a
new version of its county and of "every case" (:func:`cases_changed`, from the Report model's
signals and from services that write in bulk), once when it happens and again when it commits
(:mod:`config.kept`), so a count read meanwhile is not served after it.
:func:`every_count_changed` drops all kept counts (bulk loads, repairs by hand).
``REPORT_COUNT_CACHE_SECONDS`` bounds how long any count lives.

Counts that depend on the time of day (the overdue filter) are never kept.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import QuerySet

from config.kept import kept, new_versions
from grid.models import Level

EPOCH_KEY = "reports:counts:epoch"
EVERYTHING = "all"


def _version_key(scope: str) -> str:
    return f"reports:counts:version:{scope}"


def _county_code(region_path: str) -> str:
    """The county on a materialised path (``city/county/…/``)."""
    return region_path.split("/")[1]


def scope_of(user) -> str:
    """Which cases a count of ``user``'s could include: one county's (by code), or all."""
    region = user.region if user.region_id else None
    if user.is_superuser or region is None or region.level == Level.CITY:
        return EVERYTHING
    return _county_code(region.path)


def _new_versions(keys: list[str]) -> None:
    if settings.REPORT_COUNT_CACHE_SECONDS > 0:
        new_versions(*keys)


def cases_changed(*region_paths: str) -> None:
    """Cases on these paths were filed, changed or removed: their counties' counts are stale."""
    counties = {_county_code(path) for path in region_paths if path}
    _new_versions([_version_key(EVERYTHING)] + [_version_key(c) for c in counties])


def every_count_changed() -> None:
    """Cases were written in bulk (a seed, a repair): no kept count holds any more."""
    _new_versions([EPOCH_KEY])


def kept_count(cases: QuerySet, *, user) -> int:
    """``cases.count()``, kept in the shared cache for the current version of ``user``'s scope.

    ``cases`` must be a list ``user`` may see (``Report.objects.visible_to(user)``, narrowed).
    """
    seconds = settings.REPORT_COUNT_CACHE_SECONDS
    if seconds <= 0:
        return cases.count()
    sql, params = cases.values("pk").query.sql_with_params()
    key = "reports:counts:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return kept(key, [EPOCH_KEY, _version_key(scope_of(user))], cases.count, seconds=seconds)
