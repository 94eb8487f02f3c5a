"""Celery entry points of reports: keyword-only arguments, idempotent (beat may resend them)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reports.services import disposal_sweep


@shared_task(name="reports.tasks.sweep_disposal")
def sweep_disposal() -> dict:
    """Find every 24-hour disposal clock run out by now, once (every five minutes, scheduled by
    migration ``reports/0010``); a run right after another, or beside it, does nothing more."""
    result = disposal_sweep(now=timezone.now())
    return {"overdue": result.overdue, "grid_points": result.grid_points}
