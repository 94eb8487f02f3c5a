"""Cases follow the grid: when a region moves, every case of its subtree moves with it.

A case stores its region's path and its county (:class:`reports.models.Report`) so that scoping
and county queues need no join. :func:`cases_follow_region_move` is registered with
:mod:`grid.hooks` in :meth:`reports.apps.ReportsConfig.ready` and runs inside the move's
transaction: the cases are rewritten with the regions, or neither is.
"""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr

from grid.hooks import RegionMoved
from reports.models import Report


def cases_follow_region_move(move: RegionMoved) -> int:
    """Rewrite the path prefix (and, below county level, the county) of every case of the moved
    subtree, in one UPDATE; returns how many cases moved."""
    changes = {
        "region_path": Concat(
            Value(move.new_path),
            Substr("region_path", len(move.old_path) + 1),
            output_field=CharField(),
        )
    }
    if move.county_id is not None:
        changes["county_id"] = move.county_id
    return Report.objects.filter(region_path__startswith=move.old_path).update(**changes)
