"""Celery entry points of duty: no arguments that matter, idempotent (beat may resend them, two
workers may run them at once). Scheduled by migration ``duty/0003``, in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from duty.kinds import local_today, submission_kinds
from duty.services.expected import expected_create_due, expected_create_for, expected_sweep
from duty.services.reminders import announce_missed, remind_pending


@shared_task(name="duty.tasks.create_tomorrow")
def create_tomorrow() -> dict:
    """Create tomorrow's expected submissions of every kind (and any period still missing up
    to now), so the grid points see tomorrow's obligations from the evening before."""
    now = timezone.now()
    created = expected_create_due(now=now)
    tomorrow = local_today(now) + timedelta(days=1)
    for kind in submission_kinds():
        if not kind.periods(now):
            continue  # not owed by period: its rows come with what asks (a directive's notice)
        created[f"{kind.name}:tomorrow"] = expected_create_for(
            kind=kind, period=kind.period_of(tomorrow)
        )
    return created


@shared_task(name="duty.tasks.remind")
def remind() -> int:
    """The 14:00 reminder to grid points that have not filed today's daily report (once a
    day; a run outside the reminder window does nothing)."""
    return remind_pending(now=timezone.now())


@shared_task(name="duty.tasks.sweep")
def sweep() -> dict:
    """Settle as missed everything due up to now (at its due time), create what should exist,
    send the reminder if its window is open and the missing lists of what fell due — the
    15:00 run, the month-end run and the five-minute catch-up are this same task."""
    return sweep_at(timezone.now())


def sweep_at(now: datetime) -> dict:
    """What :func:`sweep` does, as of ``now`` (the benchmark times this)."""
    result = expected_sweep(now=now)
    reminded = remind_pending(now=now)
    announced = announce_missed(now=now)
    return {
        "created": result.created,
        "missed": len(result.missed),
        "reminded": reminded,
        "announced": announced,
    }
