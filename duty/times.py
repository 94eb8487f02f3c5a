"""When duties start and end and when a handover is due, from the settings (local time)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone


def _clock(value: str) -> time:
    hours, _sep, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


def local_at(day: date, at: time) -> datetime:
    """``day`` at local time ``at`` in the current time zone (Asia/Shanghai), aware."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


def duty_span(day: date) -> tuple[datetime, datetime]:
    """When the duty of ``day`` starts and ends (the next day's start)."""
    start = _clock(settings.DUTY_START_TIME)
    return local_at(day, start), local_at(day + timedelta(days=1), start)


def handover_due(incoming: date) -> datetime:
    """When the handover to the duty of ``incoming`` is due (``DUTY_HANDOVER_TIME`` that day)."""
    return local_at(incoming, _clock(settings.DUTY_HANDOVER_TIME))


def clock_in_opens(starts_at: datetime) -> datetime:
    return starts_at - timedelta(minutes=settings.DUTY_CLOCK_IN_OPENS_MINUTES)


def handover_opens(due_at: datetime) -> datetime:
    return due_at - timedelta(hours=settings.DUTY_HANDOVER_OPENS_HOURS)


def local_date(now: datetime) -> date:
    return timezone.localtime(now).date()


def duty_date_at(now: datetime) -> date:
    """The date of the duty running at ``now`` (before 09:00 it is yesterday's)."""
    today = local_date(now)
    starts, _ends = duty_span(today)
    return today if now >= starts else today - timedelta(days=1)
