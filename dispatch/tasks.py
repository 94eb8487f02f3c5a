"""Celery entry points of dispatch: keyword-only arguments, idempotent (beat may resend them)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from dispatch.services import clocks_sweep


@shared_task(name="dispatch.tasks.sweep_clocks")
def sweep_clocks() -> dict:
    """Remind, urge and supervise every deadline due up to now (every five minutes, scheduled
    by migration ``dispatch/0002``); a run right after another, or beside it, does nothing more."""
    result = clocks_sweep(now=timezone.now())
    return {"steps": dict(result.steps), "clocks": result.clocks, "skipped": result.skipped}
