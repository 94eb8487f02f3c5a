"""What higher apps may hook into the grid, without the grid importing them.

A higher app registers its functions once, in its ``AppConfig.ready()``; the grid calls them at
the moment the thing happens, inside the same transaction, so what they write commits or rolls
back with the grid's own change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grid.models import Region


@dataclass(frozen=True)
class RegionMoved:
    """A region and its whole subtree moved under another parent.

    Every path that started with ``old_path`` now starts with ``new_path``. ``county_id`` is the
    county the moved subtree now belongs to when the move is below county level (a township or
    village moved); ``None`` when a county moved to another city and stays its own county.
    """

    region: Region
    old_path: str
    new_path: str
    county_id: int | None


RegionMovedHook = Callable[[RegionMoved], None]

_region_moved: list[RegionMovedHook] = []


def register_region_moved(hook: RegionMovedHook) -> RegionMovedHook:
    """Call ``hook`` after every region move, in the move's transaction (once, however often
    it is registered)."""
    if hook not in _region_moved:
        _region_moved.append(hook)
    return hook


def region_moved(move: RegionMoved) -> None:
    """Tell every registered hook about ``move``; an error in one undoes the whole move."""
    for hook in list(_region_moved):
        hook(move)
