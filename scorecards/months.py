"""Months of the assessment: parsed from ``YYYY-MM``, bounded in the city's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ``start`` and ``end`` are aware datetimes (end exclusive)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-11`` → Month(2026, 11); anything else raises ``ValueError``."""
        match = _MONTH.match(text or "")
        if not match:
            raise ValueError(text)
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and 2000 <= year <= 2999):
            raise ValueError(text)
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime | date) -> Month:
        """The month a moment (in the city's time zone) or a day falls in."""
        if isinstance(moment, datetime):
            moment = timezone.localtime(moment).date()
        return cls(moment.year, moment.month)

    @classmethod
    def from_date(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self) -> datetime:
        return self.next().start

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
