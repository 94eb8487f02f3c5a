"""``seed_demo`` hook: the closed months of the demo history, frozen as snapshots, so the
dashboard, the rankings and the tables have content on a fresh demo. Every month before this
one that has cases is closed (idempotent: a closed month is left as it is); all but the latest
are published, as a city admin would have done. The months hold every figure, duty's too (the
daily reports, risk-point lists and handovers of duty's demo history, its deductions and the
score): duty's demo runs first (``INSTALLED_APPS`` order). A demo month closed before those
figures existed (its columns have no ``deductions``) is closed again."""

from __future__ import annotations

import time

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Report
from scorecards.models import MonthSnapshot, SnapshotState
from scorecards.months import Month
from scorecards.services import month_close


def seed_demo(*, scale: str, log=print) -> None:
    now = timezone.now()
    first = Report.objects.aggregate(first=Min("created_at"))["first"]
    if first is None:
        log(_("No report history: no month to close."))
        return
    month, last = Month.of(first), Month.of(now).previous()
    # A handful of months: which were closed without duty's figures, read in Python.
    stale = [
        snapshot.pk
        for snapshot in MonthSnapshot.objects.only("id", "columns")
        if "deductions" not in snapshot.columns.get("county", [])
    ]
    if stale:
        MonthSnapshot.objects.filter(pk__in=stale).delete()
        log(_("Closing %(n)d demo months again, with the duty figures.") % {"n": len(stale)})
    closed = []
    while month <= last:
        started = time.monotonic()
        if month_close(month=month, now=now) is not None:
            closed.append(month)
            log(
                _("Closed %(month)s in %(seconds).1f s.")
                % {"month": month, "seconds": time.monotonic() - started}
            )
        month = month.next()
    # The demo's earlier months are published; the latest stays a draft a city admin may
    # still recompute (the demo has no one to have published them: no publisher is named).
    latest = MonthSnapshot.objects.order_by("-month").first()
    if latest is not None:
        MonthSnapshot.objects.filter(month__lt=latest.month, state=SnapshotState.DRAFT).update(
            state=SnapshotState.PUBLISHED, published_at=now
        )
    if not closed:
        log(_("The closed months are already there: nothing to do."))
