"""Celery entry points of notifications: no arguments, idempotent (beat and commits resend them)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notifications.delivery import digests_send, notifications_drain


@shared_task(name="notifications.tasks.drain_notifications", ignore_result=True)
def drain_notifications() -> dict[str, int]:
    """Deliver what is undelivered and due: published after every write that tells someone,
    and run every minute by beat (migration ``notifications/0003``) for what a broker outage or
    a retry left; a second run at once sends nothing."""
    return vars(notifications_drain(now=timezone.now()))


@shared_task(name="notifications.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    """The daily digest of each person who chose one (beat, 08:30 Asia/Shanghai, migration
    ``notifications/0003``); a second run finds nothing left to gather."""
    return digests_send(now=timezone.now())
