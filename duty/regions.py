"""Expected submissions follow the grid: a region move rewrites the copied paths and counties
of its subtree's rows, in the move's transaction (registered in :mod:`duty.apps`)."""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr

from duty.models import ExpectedSubmission
from grid.hooks import RegionMoved


def expected_follow_region_move(move: RegionMoved) -> int:
    """Rewrite the path prefix (and, below county level, the county) of every expected
    submission of the moved subtree in one UPDATE; returns how many rows moved."""
    changes = {
        "region_path": Concat(
            Value(move.new_path),
            Substr("region_path", len(move.old_path) + 1),
            output_field=CharField(),
        )
    }
    if move.county_id is not None:
        changes["county_id"] = move.county_id
    return ExpectedSubmission.objects.filter(region_path__startswith=move.old_path).update(
        **changes
    )
