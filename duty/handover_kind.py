"""The 09:00 handover as a kind of expected submission (:mod:`duty.kinds`): every duty day
that follows another at the same desk is owed a handover, due at ``DUTY_HANDOVER_TIME`` of its
date; submitted and acknowledged before then it is on time, else the generic sweep marks it
missed at the due time and tells the score event ``handover_missed`` (against the grid point,
or the platform's unit). Who is notified of a miss: :mod:`duty.handover_notices`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from duty.kinds import Owed, SubmissionKind, daily_periods, register_submission_kind
from duty.times import handover_due

HANDOVER = "handover"
MISSED_EVENT = "handover_missed"


def county_of(path: str) -> str:
    return "/".join(path.split("/")[:2]) + "/"


def handovers_owed(period: date) -> Iterator[Owed]:
    """Every duty of ``period`` whose desk was on duty the day before (two queries)."""
    from duty.models import DutyDay
    from grid.models import Level, Region

    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("path", "id"))
    # NULL never equals NULL in SQL: a grid point's days match by point, the platform's by unit.
    before_point = DutyDay.objects.filter(
        date=period - timedelta(days=1), grid_point_id=OuterRef("grid_point_id")
    )
    before_unit = DutyDay.objects.filter(
        date=period - timedelta(days=1), unit_id=OuterRef("unit_id")
    )
    rows = (
        DutyDay.objects.filter(date=period)
        .filter(Exists(before_point) | Exists(before_unit))
        .order_by()
        .values_list("id", "grid_point_id", "unit_id", "region__path")
    )
    for day_id, point_id, unit_id, path in rows.iterator(chunk_size=5000):
        yield Owed(
            region_path=path,
            grid_point_id=point_id,
            unit_id=unit_id,
            subject_id=day_id,
            county_id=counties.get(county_of(path)),
        )


def register() -> None:
    """Declare the handover kind (called from ``DutyConfig.ready()``)."""
    register_submission_kind(
        SubmissionKind(
            name=HANDOVER,
            label=_("Handover"),
            due_at=handover_due,
            owed_by=handovers_owed,
            periods=daily_periods,
            missed_event=MISSED_EVENT,
        )
    )


def owner_of(day) -> dict:
    """The owner arguments of the handover row owed to duty ``day``."""
    return {"grid_point_id": day.grid_point_id, "unit_id": day.unit_id, "subject_id": day.pk}
