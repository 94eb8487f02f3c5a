"""Reads on duty: every one starts from ``DutyDay.objects.visible_to(user)`` (or the person's
own rows), with a fixed number of queries per page (pinned by tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from duty.models import Absence, DutyDay, DutyShift, Handover, LogEntry, Swap, SwapState
from duty.rules import Desk
from duty.times import duty_date_at
from grid.models import GRID_POINT_ROLES, GridPoint, Role, Unit, UnitKind, User
from reports.models import OPEN_STATUSES, Status
from reports.rules import may_file
from reports.selectors import report_list_for, report_queue_for

DESK_RELATED = ("grid_point", "unit", "region", "leader")
HELD_CASES = 50  # open cases a handover lists (the total is kept beside)


class ClockIn:
    """Where a person's clock-in stands (computed, never stored)."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_YET = "not_yet"

    LABELS = {
        ON_TIME: _("On time"),
        LATE: _("Late arrival"),
        MISSING: _("Not clocked in"),
        NOT_YET: _("Not yet due"),
    }


def clock_in_state(*, clocked_in_at: datetime | None, starts_at: datetime, now: datetime) -> str:
    """On time up to the duty's start (to the second), late after it; missing once it began
    with no clock-in."""
    if clocked_in_at is not None:
        return ClockIn.ON_TIME if clocked_in_at <= starts_at else ClockIn.LATE
    return ClockIn.MISSING if now > starts_at else ClockIn.NOT_YET


def next_duties_for(*, user: User, now: datetime, limit: int = 5) -> list[DutyDay]:
    """The person's duties from the one running now, on duty or leading: one query. Each day
    carries ``my_shift_id`` and ``my_clocked_in_at`` (None when the person only leads it)."""
    if not user.is_authenticated:
        return []
    mine = DutyShift.objects.filter(day=OuterRef("pk"), person=user)
    qs = (
        DutyDay.objects.filter(
            Q(
                pk__in=DutyShift.objects.filter(person=user, date__gte=duty_date_at(now)).values(
                    "day_id"
                )
            )
            | Q(leader=user),
            date__gte=duty_date_at(now),
        )
        .select_related(*DESK_RELATED)
        .annotate(
            my_shift_id=Subquery(mine.values("pk")[:1]),
            my_clocked_in_at=Subquery(mine.values("clocked_in_at")[:1]),
        )
        .order_by("date", "id")
    )
    days = list(qs[:limit])
    for day in days:
        state = (
            clock_in_state(clocked_in_at=day.my_clocked_in_at, starts_at=day.starts_at, now=now)
            if day.my_shift_id
            else None
        )
        day.clock_in = None if state == ClockIn.NOT_YET else state
        day.clock_in_label = ClockIn.LABELS.get(day.clock_in, "")
        day.is_running = day.starts_at <= now < day.ends_at
    return days


def shifts_prefetch() -> Prefetch:
    """A day's people with their open absence (``away``), in roster order."""
    open_absences = Absence.objects.filter(ended_at__isnull=True)
    return Prefetch(
        "shifts",
        queryset=DutyShift.objects.select_related("person")
        .prefetch_related(Prefetch("absences", queryset=open_absences, to_attr="away"))
        .order_by("id"),
    )


def desk_days_for(*, user: User, desk: Desk, start: date, end: date) -> QuerySet:
    """The desk's roster from ``start`` to ``end`` (inclusive), scoped, with its people."""
    field = "grid_point" if isinstance(desk, GridPoint) else "unit"
    return (
        DutyDay.objects.visible_to(user)
        .filter(**{field: desk}, date__gte=start, date__lte=end)
        .select_related(*DESK_RELATED)
        .prefetch_related(shifts_prefetch())
        .order_by("date")
    )


def day_for(*, user: User, day_id: int) -> DutyDay:
    """One duty day with its people, open absences, pending swaps (404 outside jurisdiction)."""
    return (
        DutyDay.objects.visible_to(user)
        .select_related(*DESK_RELATED)
        .prefetch_related(
            shifts_prefetch(),
            Prefetch(
                "swaps",
                queryset=Swap.objects.select_related("requester", "colleague", "decided_by"),
            ),
        )
        .get(pk=day_id)
    )


def log_for(*, day: DutyDay) -> QuerySet:
    """The day's log, in time order, with who wrote it and what each correction corrects."""
    return (
        LogEntry.objects.filter(day=day)
        .select_related("author", "corrects")
        .order_by("occurred_at", "id")
    )


def logs_for(*, user: User) -> QuerySet:
    """Every log entry of the rosters ``user`` may see (the API's list)."""
    return (
        LogEntry.objects.filter(day__in=DutyDay.objects.visible_to(user))
        .select_related("author", "day")
        .order_by("-occurred_at", "-id")
    )


def days_for(*, user: User) -> QuerySet:
    """Every roster day ``user`` may see, newest first, with its people."""
    return (
        DutyDay.objects.visible_to(user)
        .select_related(*DESK_RELATED)
        .prefetch_related(shifts_prefetch())
        .order_by("-date", "id")
    )


def swaps_for(*, user: User) -> QuerySet:
    """Swap requests of the rosters ``user`` may see, newest first."""
    return (
        Swap.objects.filter(day__in=DutyDay.objects.visible_to(user))
        .select_related(
            "day", "day__grid_point", "day__unit", "requester", "colleague", "decided_by"
        )
        .order_by("-requested_at", "-id")
    )


def swaps_to_decide_for(*, user: User) -> QuerySet:
    """The pending requests ``user`` decides: of every roster of their jurisdiction (system
    admins), else of the grid points they are in charge of (its head, or a grid point head)."""
    pending = swaps_for(user=user).filter(state=SwapState.PENDING)
    if user.is_superuser or user.role == Role.SYS_ADMIN:
        return pending
    mine = Q(day__grid_point__head=user)
    if user.role == Role.GRID_HEAD and user.grid_point_id:
        mine |= Q(day__grid_point_id=user.grid_point_id)
    return pending.filter(mine)


def desk_of(*, user: User, kind: str, pk: int) -> Desk | None:
    """The grid point (``kind`` "point") or platform ("platform") whose roster ``user`` may
    see, or None: people of a grid point see their own point's only."""
    if kind == "point":
        desk = GridPoint.objects.visible_to(user).select_related("region").filter(pk=pk).first()
        if desk is not None and user.role in GRID_POINT_ROLES and desk.pk != user.grid_point_id:
            return None
        return desk
    if kind == "platform":
        return (
            Unit.objects.visible_to(user)
            .select_related("region")
            .filter(pk=pk, kind=UnitKind.PLATFORM)
            .first()
        )
    return None


def handovers_for(*, user: User) -> QuerySet:
    """Handovers of the rosters ``user`` may see, latest first."""
    return (
        Handover.objects.filter(outgoing__in=DutyDay.objects.visible_to(user))
        .select_related("outgoing", "incoming", "submitted_by", "acknowledged_by")
        .order_by("-due_at", "-id")
    )


def handover_of(*, day: DutyDay) -> Handover | None:
    """The handover that ends ``day``, with its cases."""
    return (
        Handover.objects.filter(outgoing=day)
        .select_related("submitted_by", "acknowledged_by", "incoming")
        .prefetch_related("cases")
        .first()
    )


def handover_to(*, day: DutyDay) -> Handover | None:
    """The handover that began ``day`` (from the day before), with who gave and took it."""
    return (
        Handover.objects.filter(incoming=day)
        .select_related("submitted_by", "acknowledged_by", "outgoing")
        .prefetch_related("cases")
        .first()
    )


def held_cases_for(*, user: User) -> QuerySet:
    """The open cases ``user`` holds, for the handover (read only): the reports they filed that
    are still open (people of grid points), the cases waiting on the city duty desk (escalated,
    for duty officers), else their queue's working set."""
    if may_file(user):
        qs = report_list_for(user=user).filter(reporter=user, status__in=OPEN_STATUSES)
    elif user.role == Role.DUTY_OFFICER:
        qs = report_list_for(user=user).filter(status=Status.ESCALATED)
    else:
        qs = report_queue_for(user=user)
    return (
        qs.select_related(None)
        .select_related("region")
        .only("id", "case_number", "title", "status", "region__name")
    )


@dataclass
class WatchRow:
    """One desk's duty of a day on the watch page: its people with their clock-ins, and the
    handover that began it."""

    day: DutyDay
    people: list
    handover: Handover | None


def watch_for(*, user: User, day: date, mine: bool = False) -> QuerySet:
    """The duties of ``day`` that ``user`` watches (those they lead first), with their people,
    open absences and the handover to them (the incoming side): three queries a page."""
    qs = DutyDay.objects.visible_to(user).filter(date=day)
    if mine:
        qs = qs.filter(leader=user)
    taken_over = Handover.objects.select_related("submitted_by", "acknowledged_by")
    return (
        qs.select_related(*DESK_RELATED)
        .prefetch_related(shifts_prefetch(), Prefetch("taken_over", queryset=taken_over))
        .annotate(
            led=Exists(DutyDay.objects.filter(pk=OuterRef("pk"), leader=user)),
            # missing first: the shifts that are not clocked in
            missing=Coalesce(
                Subquery(
                    DutyShift.objects.filter(day=OuterRef("pk"), clocked_in_at__isnull=True)
                    .values("day")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .order_by("-led", "-missing", "region__path")
    )


def platform_of(user: User) -> Unit | None:
    """The sentiment platform of ``user``'s city (the duty officers' desk), if any."""
    if user.region_id is None:
        return None
    codes = user.region.path.rstrip("/").split("/")
    return (
        Unit.objects.filter(kind=UnitKind.PLATFORM, region__code=codes[0], is_active=True)
        .select_related("region")
        .first()
    )
