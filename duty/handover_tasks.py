"""The 09:00 handover check (a Celery task; scheduled by migration ``duty/0003``): the generic
sweep of expected submissions (which marks the handovers not done by 09:00 missed, at 09:00,
and tells the score events), then the leaders on duty are told, once per duty. Idempotent and
catching up: it also runs every five minutes."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from duty.handover_kind import HANDOVER
from duty.handover_notices import handover_announce_missed
from duty.services.expected import expected_sweep


def handover_check(*, now) -> dict:
    """The check at ``now``: how many handovers it marked missed, how many duties it announced
    (the generic sweep settles the other kinds' due rows as well, as their own sweep would)."""
    result = expected_sweep(now=now)
    missed = sum(1 for row in result.missed if row.kind == HANDOVER)
    return {"missed": missed, "announced": handover_announce_missed(now=now)}


@shared_task(name="duty.handover_tasks.check_handovers")
def check_handovers() -> dict:
    """Mark the handovers missed that were due by now, and tell their leaders on duty."""
    return handover_check(now=timezone.now())
