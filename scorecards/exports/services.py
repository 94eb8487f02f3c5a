"""Case exports: asked for by a person (scoped to their jurisdiction, logged as a row), written
by a worker (:func:`export_run`, task ``scorecards.tasks.run_case_export``), read back by the
person who asked."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from grid.models import User
from notifications.outbox import publish_on_commit
from reports.models import Report, Status
from scorecards.exports.models import CaseExport, ExportState
from scorecards.exports.periods import Period
from scorecards.exports.writer import write_cases

log = logging.getLogger(__name__)

# How many exports one person may have queued or being written at once.
MAX_ACTIVE = 2
ALL_STATUSES = list(Status.values)  # said so PostgreSQL reads the (status, created_at) index


class TooManyExports(Exception):
    """The person already has MAX_ACTIVE exports waiting."""


def exports_of(user: User) -> QuerySet[CaseExport]:
    """A person's own exports, newest first (nobody sees another's)."""
    return CaseExport.objects.filter(requested_by=user).order_by("-created_at", "-id")


def export_start(*, user: User, period: Period) -> CaseExport:
    """Log the request and hand it to a worker once it commits."""
    with transaction.atomic():
        # One person's requests one after the other, so the limit holds under races.
        User.objects.select_for_update().filter(pk=user.pk).first()
        active = exports_of(user).filter(state__in=[ExportState.QUEUED, ExportState.RUNNING])
        if active.count() >= MAX_ACTIVE:
            raise TooManyExports
        region = user.region if not user.is_superuser else None
        export = CaseExport.objects.create(
            requested_by=user,
            region_path=region.path if region else "",
            region_name=region.name if region else "",
            period_kind=period.kind,
            label=period.label,
            first_day=period.first,
            last_day=period.last,
            created_at=timezone.now(),
        )
        from scorecards.tasks import run_case_export

        publish_on_commit(run_case_export, export_id=export.pk)
    return export


def cases_of(export: CaseExport) -> QuerySet[Report]:
    """The cases an export holds: filed in its period, that its requester may see, within the
    jurisdiction they had when they asked."""
    period = Period(export.period_kind, export.label, export.first_day, export.last_day)
    cases = Report.objects.visible_to(export.requested_by).filter(
        status__in=ALL_STATUSES, created_at__gte=period.start, created_at__lt=period.end
    )
    if export.region_path:
        cases = cases.filter(region_path__startswith=export.region_path)
    return cases


def export_run(*, export_id: int) -> CaseExport | None:
    """Write the export's spreadsheet and store it; None if it is not queued (a resent task)."""
    now = timezone.now()
    claimed = CaseExport.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, started_at=now
    )
    if not claimed:
        return None
    export = CaseExport.objects.select_related("requested_by__region").get(pk=export_id)
    rows = CaseExport.objects.filter(pk=export_id)
    try:
        cases = cases_of(export)
        export.total = cases.count()
        rows.update(total=export.total)
        with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryFile() as out:
            export.written = write_cases(cases, out, progress=lambda n: rows.update(written=n))
            out.seek(0, 2)
            export.size = out.tell()
            out.seek(0)
            export.file.save(f"cases-{export.label}-{export.pk}.xlsx", File(out), save=False)
    except Exception as error:
        log.exception("case export %s failed", export_id)
        rows.update(state=ExportState.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        export.refresh_from_db()
        return export
    export.state, export.finished_at = ExportState.DONE, timezone.now()
    rows.update(
        state=export.state,
        finished_at=export.finished_at,
        file=export.file.name,
        size=export.size,
        written=export.written,
    )
    return export


STALLED = "The worker stopped before the export was finished: ask for it again."
EXPIRE_BATCH = 500  # files deleted per run at most (the next run goes on)


@dataclass(frozen=True)
class Swept:
    requeued: int
    failed: int
    expired: int


def exports_sweep(*, now: datetime) -> Swept:
    """Look after the exports nobody is looking after (``scorecards.tasks.sweep_exports``).

    - Still queued after ``SCORECARDS_EXPORT_REQUEUE_MINUTES``: the task is published again
      (its broker was down when it was asked for; a worker claims an export once, so a task
      that was only slow runs once all the same).
    - Queued or being written after ``SCORECARDS_EXPORT_STALLED_MINUTES``: marked failed (its
      worker died, or no broker took it), so that it no longer counts against ``MAX_ACTIVE``
      and its person may ask again. A worker still writing it that finishes later marks it
      ready after all.
    - Ready for more than ``SCORECARDS_EXPORT_KEEP_DAYS``: marked expired, then its file is
      deleted from the storage (the row stays: it is the log of who exported what).

    Compare-and-set on the state throughout, so two sweeps at once do each step once.
    """
    from scorecards.tasks import run_case_export

    stalled = now - timedelta(minutes=settings.SCORECARDS_EXPORT_STALLED_MINUTES)
    failed = CaseExport.objects.filter(
        Q(state=ExportState.QUEUED, created_at__lt=stalled)
        | Q(state=ExportState.RUNNING, started_at__lt=stalled)
    ).update(state=ExportState.FAILED, error=STALLED, finished_at=now)
    waiting = now - timedelta(minutes=settings.SCORECARDS_EXPORT_REQUEUE_MINUTES)
    requeued = list(
        CaseExport.objects.filter(state=ExportState.QUEUED, created_at__lt=waiting).values_list(
            "pk", flat=True
        )
    )
    for pk in requeued:
        publish_on_commit(run_case_export, export_id=pk)
    kept = now - timedelta(days=settings.SCORECARDS_EXPORT_KEEP_DAYS)
    old = CaseExport.objects.filter(state=ExportState.DONE, finished_at__lt=kept)
    expired = 0
    for pk, name in old.order_by("finished_at").values_list("pk", "file")[:EXPIRE_BATCH]:
        # The row first: a download asked for meanwhile is refused, not served a missing file.
        if not CaseExport.objects.filter(pk=pk, state=ExportState.DONE).update(
            state=ExportState.EXPIRED, file=""
        ):
            continue  # another sweep took it
        expired += 1
        if name:
            try:
                CaseExport._meta.get_field("file").storage.delete(name)
            except Exception:  # a storage error leaves a stray file, never a broken row
                log.exception("case export %s: could not delete %s", pk, name)
    return Swept(requeued=len(requeued), failed=failed, expired=expired)
