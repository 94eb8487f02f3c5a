"""The kinds of expected submission: who owes what, for which period, by when.

A kind is declared once with :func:`register_submission_kind` (in an ``AppConfig.ready()``);
the services in :mod:`duty.services.expected` and the sweep know nothing else about it. The
daily report and the risk-point list are declared in :mod:`duty.filings`; the handover and
a directive's notices register their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings


@dataclass(frozen=True)
class Owed:
    """One party that owes a submission for a period (the row to create)."""

    region_path: str
    grid_point_id: int | None = None
    unit_id: int | None = None
    subject_id: int | None = None
    county_id: int | None = None


@dataclass(frozen=True)
class SubmissionKind:
    """A recurring obligation.

    ``due_at(period)`` is its deadline; ``owed_by(period)`` every party that owes it then;
    ``periods(now)`` the periods whose rows should exist by ``now`` (the catch-up window, oldest
    first). ``missed_event`` / ``late_event`` are the score-event kinds told for a miss and a
    late filing (:mod:`grid.hooks`), against ``score_target(row)`` — by default the row's
    grid point, else its unit.
    """

    name: str
    label: Any
    due_at: Callable[[date], datetime]
    owed_by: Callable[[date], Iterable[Owed]]
    periods: Callable[[datetime], list[date]]
    missed_event: str = ""
    late_event: str = ""
    score_target: Callable[[Any], tuple[type, int] | None] | None = None


_kinds: dict[str, SubmissionKind] = {}


def register_submission_kind(kind: SubmissionKind) -> SubmissionKind:
    """Declare ``kind`` (again: the later declaration wins, so a reload is harmless)."""
    _kinds[kind.name] = kind
    return kind


def submission_kind(name: str) -> SubmissionKind:
    """The kind called ``name``; ``KeyError`` if nobody declared it."""
    return _kinds[name]


def submission_kinds() -> list[SubmissionKind]:
    """Every declared kind, in declaration order."""
    return list(_kinds.values())


# --- Helpers the kinds use ------------------------------------------------------------------


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today(now: datetime) -> date:
    return now.astimezone(local_zone()).date()


def parse_clock(value: str) -> tuple[time, int]:
    """``"15:00"`` → (15:00, 0); ``"24:00"`` → (00:00, 1): the end of the day is the next
    midnight. Seconds are allowed (``"14:30:15"``)."""
    parts = [int(p) for p in value.split(":")]
    hour, minute, second = ([*parts, 0, 0])[:3]
    if (hour, minute, second) == (24, 0, 0):
        return time(0, 0), 1
    return time(hour, minute, second), 0


def at_local(day: date, clock: str) -> datetime:
    """The moment ``clock`` (``"HH:MM"``, ``"24:00"`` for the day's end) on ``day``, local time."""
    moment, extra_days = parse_clock(clock)
    return datetime.combine(day + timedelta(days=extra_days), moment, tzinfo=local_zone())


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return next_month_start(day) - timedelta(days=1)


def daily_periods(now: datetime) -> list[date]:
    """Today and the days of the catch-up window before it (``DUTY_CATCHUP_DAYS``)."""
    today = local_today(now)
    back = settings.DUTY_CATCHUP_DAYS
    return [today - timedelta(days=n) for n in range(back, -1, -1)]


def monthly_periods(now: datetime) -> list[date]:
    """The first days of the months that the catch-up window touches, this month included."""
    days = daily_periods(now)
    return sorted({month_start(d) for d in days})
