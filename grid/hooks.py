"""What higher apps may hook into the grid, without the grid importing them.

A higher app registers its functions once, in its ``AppConfig.ready()``; the grid calls them at
the moment the thing happens, inside the same transaction, so what they write commits or rolls
back with the grid's own change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True)
class ScoreEvent:
    """Something happened that the assessment rules may score: a deduction or a bonus.

    The app that detects it (reports: no disposal status within 24 h; dispatch: a late reply;
    duty: a daily report missed or late, a handover missed) tells :func:`score_events`; the
    app that keeps the deductions registers with :func:`register_score_events` and decides by
    its rule table whether and how much it counts. Nothing is scored twice: one source row, one
    kind and one responsibility give one deduction at most (a unique constraint there), so a
    sweep that runs twice may tell the same event again.

    Rows are named by model and primary key, not by instance, so a set-based sweep can tell
    fifteen thousand events without loading fifteen thousand objects.
    """

    kind: str  # a rule kind, e.g. "daily_report_missed", "reply_late", "disposal_overdue"
    source_model: type  # the model of the row that records what happened
    source_id: int
    target_model: type  # GridPoint, Region (a township or a county) or Unit
    target_id: int
    at: datetime  # when it happened: the due time for a miss, never the sweep's run time
    grade: str = ""  # the case's grade, where the rule depends on it
    responsibility: str = "primary"  # or "indirect"
    # The month the event counts in (its first day), where that is not the month ``at`` falls
    # in: a recurring obligation counts in the month it is owed for. November's risk-point
    # list is due at 24:00 on 30 November, which is 00:00 on 1 December.
    month: date | None = None

    @classmethod
    def of(cls, kind: str, *, source: Any, target: Any, at: datetime, **more: Any) -> ScoreEvent:
        """The event for model instances ``source`` and ``target``."""
        return cls(
            kind=kind,
            source_model=type(source),
            source_id=source.pk,
            target_model=type(target),
            target_id=target.pk,
            at=at,
            **more,
        )


ScoreEventsHook = Callable[[Sequence[ScoreEvent]], None]

_score_events: list[ScoreEventsHook] = []


def register_score_events(hook: ScoreEventsHook) -> ScoreEventsHook:
    """Call ``hook(events)`` with every batch of score events, in the teller's transaction."""
    if hook not in _score_events:
        _score_events.append(hook)
    return hook


def score_events(events: Iterable[ScoreEvent]) -> None:
    """Tell every registered hook about ``events`` (nothing happens when none is registered)."""
    batch = list(events)
    if not batch:
        return
    for hook in list(_score_events):
        hook(batch)
