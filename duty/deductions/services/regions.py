"""Deductions follow the grid's region moves."""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr

from duty.models import (
    Deduction,
)
from grid.hooks import RegionMoved

# --- the grid moves ---------------------------------------------------------------------------


def deductions_follow_region_move(move: RegionMoved) -> int:
    """Rewrite the target path prefix of every deduction of the moved subtree (one UPDATE),
    so scoping keeps following the grid; registered with :mod:`grid.hooks`."""
    return Deduction.objects.filter(target_path__startswith=move.old_path).update(
        target_path=Concat(
            Value(move.new_path),
            Substr("target_path", len(move.old_path) + 1),
            output_field=CharField(),
        )
    )
