"""Celery entry points of grid: keyword-only arguments, idempotent (beat may resend them)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from grid.audit import access_log_prune


@shared_task(name="grid.tasks.prune_access_log")
def prune_access_log() -> int:
    """Delete access records past ``ACCESS_LOG_RETENTION_DAYS`` (daily, scheduled by migration
    ``grid/0005``); running it twice deletes nothing more."""
    return access_log_prune(now=timezone.now())
