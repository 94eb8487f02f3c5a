"""One function answers every deadline: :func:`add_working_time`, on the PRC working calendar.

Counting rule (domain.md, Deadlines on a case), in Asia/Shanghai time whatever the server's:

- ``hours``: exact, ``start + N hours``.
- ``calendar_days``: the day the clock starts is not counted; the deadline is the end of the
  Nth day after it (24:00, i.e. 00:00 of the day after).
- ``working_days``: likewise, the end of the Nth *working* day after the start day. A working
  day is Monday to Friday unless the working calendar (:class:`grid.models.CalendarDay`) makes
  it a holiday, and a Saturday or Sunday it makes a make-up working day. A Wednesday
  2026-09-30 plus 3 working days is the end of Saturday 2026-10-10 (1–7 October off, the 10th
  worked).

A moment of exactly 00:00 is the end of the day before (24:00), so a deadline counted on from
another deadline continues where it ended: 3 working days then 2 more is 5 working days.

A day in a year the calendar does not hold (no :class:`grid.models.CalendarYear`) is counted
by its weekday alone, and the answer says so (``Deadline.assumed_weekdays``), for the product
to show beside the deadline (:data:`ASSUMED_WEEKDAYS_NOTE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import CharField, DateField, IntegerField, Value
from django.utils.translation import gettext_lazy as _

from grid.models import CalendarDay, CalendarKind, CalendarYear, TimeUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")

ASSUMED_WEEKDAYS_NOTE = _(
    "Counted Monday to Friday: the working calendar does not hold that year's holidays yet."
)

# Days read per query beyond a first guess of the span (7 days per 5 working days): enough
# for the longest run of holidays (Spring Festival), so one query nearly always suffices.
_WINDOW_SLACK_DAYS = 21


@dataclass(frozen=True)
class Deadline:
    """When a clock runs out (aware, Asia/Shanghai), and whether any working day counted lay
    in a year the working calendar does not hold (then counted Monday to Friday)."""

    at: datetime
    assumed_weekdays: bool = False


def add_working_time(start: datetime, amount: int, unit: str) -> Deadline:
    """The deadline ``amount`` ``unit`` (a :class:`grid.models.TimeUnit`) after ``start``.

    ``start`` must be aware. ``amount`` 0 is ``start`` itself. Working days read the calendar
    rows they need in one query (a date range and its years), more only after an unusually
    long run of days off; hours and calendar days read nothing.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("add_working_time needs an aware start, not a naive datetime.")
    if amount < 0:
        raise ValueError("A deadline cannot lie before its start.")
    unit = TimeUnit(unit)
    local = start.astimezone(SHANGHAI)
    if amount == 0:
        return Deadline(at=local)
    if unit == TimeUnit.HOURS:
        return Deadline(at=local + timedelta(hours=amount))
    start_day = _day_of(local)
    if unit == TimeUnit.CALENDAR_DAYS:
        return Deadline(at=_end_of(start_day + timedelta(days=amount)))
    last, unknown = _nth_working_day_after(start_day, amount)
    return Deadline(at=_end_of(last), assumed_weekdays=unknown)


def moment_at_percent(start: datetime, due: datetime, percent: int) -> datetime:
    """The moment ``percent`` % of the wall time from ``start`` to ``due`` is used (80 %: amber,
    the reminder)."""
    return start + (due - start) * percent / 100


def fraction_used(start: datetime, due: datetime, now: datetime) -> float:
    """How much of the time from ``start`` to ``due`` has passed at ``now`` (above 1: overdue)."""
    total = (due - start).total_seconds()
    if total <= 0:
        return 1.0
    return (now - start).total_seconds() / total


def _day_of(local: datetime) -> date:
    """The day a moment belongs to for counting: 00:00 sharp is the end (24:00) of the day
    before, so that counting on from a deadline continues where it ended."""
    if local.timetz().replace(tzinfo=None) == time(0):
        return local.date() - timedelta(days=1)
    return local.date()


def _end_of(day: date) -> datetime:
    """24:00 of ``day`` in Asia/Shanghai, i.e. 00:00 of the next day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def _nth_working_day_after(start_day: date, n: int) -> tuple[date, bool]:
    """The ``n``th working day after ``start_day``, and whether a year counted is unknown."""
    counted = 0
    day = start_day
    first = start_day + timedelta(days=1)
    last = start_day + timedelta(days=n * 7 // 5 + _WINDOW_SLACK_DAYS)
    unknown = False
    while True:
        exceptions, known_years = _calendar_between(first, last)
        while day < last:
            day += timedelta(days=1)
            if day.year not in known_years:
                unknown = True
            kind = exceptions.get(day)
            if kind == CalendarKind.MAKEUP or (kind is None and day.weekday() < 5):
                counted += 1
                if counted == n:
                    return day, unknown
        # A longer run of days off than the window allowed for: read the next stretch.
        first, last = last + timedelta(days=1), last + timedelta(days=n * 7 // 5 + 31)


def _calendar_between(first: date, last: date) -> tuple[dict[date, str], set[int]]:
    """The calendar's exceptions from ``first`` to ``last`` and which of their years it holds,
    in one query (the days and the years, as one UNION ALL)."""
    days = (
        CalendarDay.objects.filter(date__range=(first, last))
        .annotate(y=Value(None, output_field=IntegerField()))
        .values_list("date", "kind", "y")
        .order_by()
    )
    years = (
        CalendarYear.objects.filter(year__range=(first.year, last.year))
        .annotate(d=Value(None, output_field=DateField()), k=Value("", output_field=CharField()))
        .values_list("d", "k", "year")
        .order_by()
    )
    exceptions: dict[date, str] = {}
    known: set[int] = set()
    for day, kind, year in days.union(years, all=True):
        if year is not None:
            known.add(year)
        else:
            exceptions[day] = kind
    return exceptions, known
