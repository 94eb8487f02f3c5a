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


@shared_task(name="scorecards.tasks.run_case_export")
def run_case_export(*, export_id: int) -> int | None:
    """Write one case export (asked for on the page or the API); a resent task does nothing."""
    from scorecards.exports.services import export_run

    export = export_run(export_id=export_id)
    return export.written if export else None


@shared_task(name="scorecards.tasks.sweep_exports")
def sweep_exports() -> dict:
    """Hand waiting exports to a worker again, fail the stalled ones, delete old files (every
    10 minutes, scheduled by migration ``scorecards/0006``; see ``exports_sweep``)."""
    from scorecards.exports.services import exports_sweep

    return vars(exports_sweep(now=timezone.now()))


@shared_task(name="scorecards.tasks.send_weekly_digests")
def send_weekly_digests() -> int:
    """Send last week's digest to every city and county leader not sent it yet (Mondays at
    08:30, scheduled by migration ``scorecards/0004``; a run on any later day of the week, or
    on the next Monday after a beat that was down, sends what is missing; otherwise nothing)."""
    from scorecards.digests.services import digests_send

    return digests_send()
