"""The periods an export or a summary covers: a quarter (``2026-Q3``), a month (``2026-11``)
or a range of days, in the city's time zone; the one place that says which are allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.months import Month

# The longest range of days one export covers (a quarter has at most 92 days).
MAX_DAYS = 92
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026-Q3`` → Quarter(2026, 3); anything else raises ``ValueError``."""
        match = _QUARTER.match((text or "").upper())
        if not match or not 2000 <= int(match[1]) <= 2999:
            raise ValueError(text)
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def months(self) -> list[Month]:
        first = 3 * (self.quarter - 1) + 1
        return [Month(self.year, first + i) for i in range(3)]

    @property
    def first_day(self) -> date:
        return self.months[0].first_day

    @property
    def last_day(self) -> date:
        return self.months[-1].next().first_day - timedelta(days=1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` (both included); ``label`` names it (``2026-Q3``)."""

    kind: str  # "quarter", "month" or "range"
    label: str
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The moment after the last day (exclusive)."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))


def period_of(
    *,
    kind: str,
    quarter: str = "",
    month: str = "",
    first: date | None = None,
    last: date | None = None,
    today: date | None = None,
) -> Period:
    """The period asked for, or ``ValidationError`` saying what is wrong with it.

    A quarter or a month still running is cut at today; one not begun yet is refused, and so
    is a range that ends after today, ends before it starts, or is longer than MAX_DAYS.
    """
    today = today or timezone.localdate()
    if kind == "quarter":
        try:
            q = Quarter.parse(quarter)
        except ValueError:
            raise ValidationError(
                {"quarter": _("Give the quarter as YYYY-Qn, e.g. 2026-Q3.")}, code="invalid"
            ) from None
        period = Period("quarter", str(q), q.first_day, q.last_day)
    elif kind == "month":
        try:
            m = Month.parse(month)
        except ValueError:
            raise ValidationError(
                {"month": _("Give the month as YYYY-MM, e.g. 2026-11.")}, code="invalid"
            ) from None
        period = Period("month", str(m), m.first_day, m.next().first_day - timedelta(days=1))
    elif kind == "range":
        if first is None or last is None:
            raise ValidationError(
                {"first": _("Give the first and the last day of the range.")}, code="required"
            )
        if last < first:
            raise ValidationError(
                {"last": _("The last day comes before the first.")}, code="invalid"
            )
        if last > today:
            raise ValidationError({"last": _("The range ends in the future.")}, code="future")
        if (last - first).days + 1 > MAX_DAYS:
            raise ValidationError(
                {"last": _("A range covers at most %(n)d days.") % {"n": MAX_DAYS}},
                code="too_long",
            )
        return Period("range", f"{first:%Y-%m-%d}_{last:%Y-%m-%d}", first, last)
    else:
        raise ValidationError(
            {"kind": _("Choose a quarter, a month or a range of days.")}, code="invalid"
        )
    if period.first > today:
        raise ValidationError({period.kind: _("That period has not begun yet.")}, code="future")
    if period.last > today:
        period = Period(period.kind, period.label, period.first, today)
    return period
