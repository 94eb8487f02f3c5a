"""Celery entry points of scorecards: keyword-only arguments, idempotent (beat may resend them)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from scorecards.months import Month
from scorecards.services import month_close


@shared_task(name="scorecards.tasks.close_month")
def close_month() -> str | None:
    """Close the month before this one, if it is not closed yet (daily at 01:10, scheduled by
    migration ``scorecards/0002``: on the 1st it closes; a beat that was down on the 1st
    closes it the next day; every other run finds it closed and does nothing)."""
    now = timezone.now()
    snapshot = month_close(month=Month.of(now).previous(), now=now)
    return str(snapshot) if snapshot else None
