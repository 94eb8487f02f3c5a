"""Demo duty history: 60 days of rosters for every grid point and the city platform, with
clock-ins (mostly on time, some late, a few missing), duty logs and 09:00 handovers (mostly
acknowledged on time, some late, a few never handed over) and their expected submissions,
ending a week ahead so everyone has next duties. Set-based: one INSERT per table and batch.

``--scale province`` writes the same for its 15,000 grid points on PostgreSQL, inside the
database (:mod:`duty.demo_rosters_sql`), and the platforms' desks here.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty.demo_rosters_sql import seed_points_postgres
from duty.handover_kind import HANDOVER, MISSED_EVENT
from duty.models import (
    DutyDay,
    DutyShift,
    ExpectedSubmission,
    Handover,
    LogEntry,
    LogKind,
    SubmissionPeriod,
    SubmissionStatus,
    Swap,
)
from duty.times import duty_span, handover_due, local_date
from grid import hooks
from grid.models import GRID_POINT_ROLES, GridPoint, Level, Region, Role, Unit, UnitKind, User

PAST_DAYS, AHEAD_DAYS = 52, 7  # 60 days in all, today included
BATCH = 5000
LOGS = [
    (LogKind.RECEIVED, "接县网信办通知：关注辖区内涉及拆迁补偿的群聊讨论"),
    (LogKind.RELAYED, "已将通知转达各信息员，要求每两小时巡查一次"),
    (LogKind.CALL, "村民来电反映短视频平台有不实信息，已记录并核实"),
    (LogKind.ACTION, "巡查微信群三个、抖音本地号五个，未发现新的负面信息"),
    (LogKind.ACTION, "对昨日上报线索跟进，属地已回复处置情况"),
    (LogKind.CALL, "与乡镇网格负责人电话沟通明日集会安排"),
    (LogKind.OTHER, "值班设备检查正常，值班电话畅通"),
]
SUMMARIES = [
    "值班期间总体平稳，巡查发现线索一条已上报，其余无异常。",
    "接上级通知一份已转达，处理来电两起，无重大网情。",
    "夜间平稳，早间有群聊转发不实信息，已提醒并上报。",
]
WATCH = ["关注周末集市相关讨论", "留意涉及学校食堂的短视频", "跟进昨日上报线索的处置反馈", ""]


def _desks(*, points: bool = True):
    """(desk kind, desk, people in rotation order, leaders) of every desk (of the platforms
    only, without ``points``)."""
    yield from _point_desks() if points else ()
    yield from _platform_desks()


def _point_desks():
    points = GridPoint.objects.filter(is_active=True).select_related("region").order_by("code")
    members = defaultdict(list)
    for person in (
        User.objects.filter(
            is_active=True, role__in=sorted(GRID_POINT_ROLES), grid_point__isnull=False
        )
        .order_by("username")
        .only("id", "grid_point_id", "username")
    ):
        members[person.grid_point_id].append(person)
    for point in points:
        people = members.get(point.pk, [])
        if people:
            yield "point", point, people, [point.head_id] if point.head_id else []


def _platform_desks():
    cities = {r.pk: r for r in Region.objects.filter(level=Level.CITY)}
    officers, leaders = defaultdict(list), defaultdict(list)
    for person in (
        User.objects.filter(
            is_active=True, role__in=[Role.DUTY_OFFICER, Role.LEADER], region_id__in=list(cities)
        )
        .order_by("username")
        .only("id", "role", "region_id", "username")
    ):
        (officers if person.role == Role.DUTY_OFFICER else leaders)[person.region_id].append(person)
    for unit in Unit.objects.filter(
        kind=UnitKind.PLATFORM, region_id__in=list(cities)
    ).select_related("region"):
        if officers.get(unit.region_id):
            yield (
                "platform",
                unit,
                officers[unit.region_id],
                [p.pk for p in leaders[unit.region_id]],
            )


def _first(people: list, today_index: int) -> list:
    """Rotation order putting a demo login on duty today."""
    demo = next((i for i, p in enumerate(people) if p.username.startswith("demo-")), None)
    if demo is None:
        return people
    n = len(people)
    shift = (demo - today_index) % n
    return people[shift:] + people[:shift]


def _clock_in(rng: random.Random, starts_at: datetime, now: datetime) -> datetime | None:
    if starts_at > now:
        return None
    roll = rng.random()
    if roll < 0.06:
        return None  # missing
    if roll < 0.18:
        return starts_at + timedelta(minutes=rng.randint(1, 40))  # late
    return starts_at - timedelta(minutes=rng.randint(0, 45), seconds=rng.randint(0, 59))


@transaction.atomic
def seed_rosters(
    *, province: bool = False, now: datetime | None = None, seed: int = 20261203, log=print
) -> dict:
    """Write the demo duty history (idempotent: nothing if any roster exists)."""
    if DutyDay.objects.exists():
        return {}
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    today = local_date(now)
    dates = [today + timedelta(days=n) for n in range(-PAST_DAYS, AHEAD_DAYS + 1)]
    system = User.objects.system()
    in_database = province and connection.vendor == "postgresql"
    written = {}
    if in_database:
        written = seed_points_postgres(
            first=dates[0],
            days=len(dates),
            today_index=PAST_DAYS,
            now=now,
            system_id=system.pk,
            updated=now - timedelta(days=PAST_DAYS + 3),
            logs=LOGS,
            summaries=SUMMARIES,
            watch=WATCH,
            kind=HANDOVER,
            log=log,
        )
    days: list[DutyDay] = []
    plan = []  # the person on duty, day by day
    for kind, desk, people, leaders in _desks(points=not in_database):
        people = _first(people, PAST_DAYS)
        for index, day in enumerate(dates):
            starts_at, ends_at = duty_span(day)
            person = people[index % len(people)]
            leader = leaders[index % len(leaders)] if leaders else None
            days.append(
                DutyDay(
                    grid_point=desk if kind == "point" else None,
                    unit=desk if kind == "platform" else None,
                    region_id=desk.region_id,
                    date=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    leader_id=leader,
                    updated_by=system,
                    updated_at=now - timedelta(days=PAST_DAYS + 3),
                )
            )
            plan.append(person.pk)
    DutyDay.objects.bulk_create(days, batch_size=BATCH)
    if days and days[0].pk is None:
        written_here = DutyDay.objects.only("id", "grid_point_id", "unit_id", "date")
        if in_database:  # the grid points' days were written inside the database
            written_here = written_here.filter(unit__isnull=False)
        ids = {(d.grid_point_id, d.unit_id, d.date): d.pk for d in written_here}
        for d in days:
            d.pk = ids[(d.grid_point_id, d.unit_id, d.date)]
    shifts = []
    for day, person in zip(days, plan, strict=True):
        shifts.append(
            DutyShift(
                day_id=day.pk,
                date=day.date,
                person_id=person,
                clocked_in_at=_clock_in(rng, day.starts_at, now),
            )
        )
    DutyShift.objects.bulk_create(shifts, batch_size=BATCH)
    log(_("Rosters: %(days)s duty days.") % {"days": f"{len(days) + written.get('days', 0):,}"})

    # Logs and handovers of the duties begun (past and today's), with their expected rows.
    by_desk = {
        (d.grid_point_id, d.unit_id, d.date): (d, s) for d, s in zip(days, plan, strict=True)
    }
    entries, handovers, expected = [], [], []
    for (point_id, unit_id, day_date), (day, person) in by_desk.items():
        if day.starts_at > now:
            continue
        for k in range(rng.randint(1, 3)):
            at = day.starts_at + timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
            if at > now:
                continue
            kind, text = LOGS[rng.randrange(len(LOGS))]
            entries.append(
                LogEntry(
                    day_id=day.pk,
                    author_id=person,
                    kind=kind,
                    occurred_at=at,
                    recorded_at=at + timedelta(minutes=k + 1),
                    text=text,
                )
            )
        incoming = by_desk.get((point_id, unit_id, day_date + timedelta(days=1)))
        if incoming is None:
            continue
        next_day, next_person = incoming
        due = handover_due(next_day.date)
        if due > now + timedelta(hours=6):
            continue  # not due yet nor open
        roll = rng.random()
        status = SubmissionStatus.PENDING if due > now else SubmissionStatus.MISSED
        settled = due if status == SubmissionStatus.MISSED else None
        handover = None
        if roll >= 0.05 and due - timedelta(hours=1) <= now:  # 5 %: never handed over
            submitted = due - timedelta(minutes=rng.randint(20, 50))
            handover = Handover(
                outgoing_id=day.pk,
                incoming_id=next_day.pk,
                due_at=due,
                submitted_by_id=person,
                submitted_at=submitted,
                log_summary=SUMMARIES[rng.randrange(len(SUMMARIES))],
                unfinished="" if rng.random() < 0.6 else "一条线索待属地反馈",
                points_to_watch=WATCH[rng.randrange(len(WATCH))],
            )
            if due <= now:
                late = rng.random() < 0.08
                ack = (
                    due + timedelta(minutes=rng.randint(1, 30))
                    if late
                    else due - timedelta(minutes=rng.randint(1, 15))
                )
                handover.acknowledged_by_id = next_person
                handover.acknowledged_at = ack
                handover.acknowledgement_note = "已接班"
                if not late:
                    status, settled = SubmissionStatus.ON_TIME, ack
            handovers.append(handover)
        expected.append(
            ExpectedSubmission(
                kind=HANDOVER,
                period=next_day.date,
                owner_key=ExpectedSubmission.key_for(
                    grid_point_id=point_id, unit_id=unit_id, subject_id=next_day.pk
                ),
                grid_point_id=point_id,
                unit_id=unit_id,
                subject_id=next_day.pk,
                region_path="",
                status=status,
                due_at=due,
                settled_at=settled,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=BATCH)
    Handover.objects.bulk_create(handovers, batch_size=BATCH)
    _fill_places(expected)
    ExpectedSubmission.objects.bulk_create(expected, batch_size=BATCH, ignore_conflicts=True)
    periods = sorted({row.period for row in expected})
    SubmissionPeriod.objects.bulk_create(
        [SubmissionPeriod(kind=HANDOVER, period=p) for p in periods], ignore_conflicts=True
    )
    missed = ExpectedSubmission.objects.filter(kind=HANDOVER, status=SubmissionStatus.MISSED)
    DutyDay.objects.filter(pk__in=missed.values("subject_id")).update(handover_missed_told_at=now)
    hooks.score_events(
        hooks.ScoreEvent(
            kind=MISSED_EVENT,
            source_model=ExpectedSubmission,
            source_id=pk,
            target_model=GridPoint if point_id else Unit,
            target_id=point_id or unit_id,
            at=due_at,
        )
        for pk, point_id, unit_id, due_at in missed.values_list(
            "pk", "grid_point_id", "unit_id", "due_at"
        )
    )
    counts = {
        "days": len(days) + written.get("days", 0),
        "log": len(entries) + written.get("log", 0),
        "handovers": len(handovers) + written.get("handovers", 0),
        "missed": missed.count(),
    }
    log(
        _("Duty history: %(log)s log entries, %(handovers)s handovers (%(missed)s missed).")
        % {k: f"{v:,}" for k, v in counts.items()}
    )
    return counts


def _demo_swap(now: datetime) -> None:
    """The demo informant asks a colleague to take their next duty (pending: approve it as the
    point's person in charge or a system admin)."""
    shift = (
        DutyShift.objects.filter(person__username="demo-informant", day__starts_at__gt=now)
        .select_related("day", "person")
        .order_by("date")
        .first()
    )
    if shift is None:
        return
    colleague = (
        User.objects.filter(grid_point_id=shift.person.grid_point_id, is_active=True)
        .exclude(pk=shift.person_id)
        .exclude(pk__in=shift.day.shifts.values("person_id"))
        .order_by("username")
        .first()
    )
    if colleague is not None:
        Swap.objects.create(
            day=shift.day,
            requester=shift.person,
            colleague=colleague,
            reason="家中老人住院，需陪护一天",
            requested_at=now - timedelta(hours=2),
        )


def _fill_places(rows: list[ExpectedSubmission]) -> None:
    """Each row's region path and county, from its desk (two queries)."""
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("path", "id"))
    points = dict(GridPoint.objects.values_list("id", "region__path"))
    units = dict(Unit.objects.filter(kind=UnitKind.PLATFORM).values_list("id", "region__path"))
    for row in rows:
        path = points[row.grid_point_id] if row.grid_point_id else units[row.unit_id]
        row.region_path = path
        row.county_id = counties.get("/".join(path.split("/")[:2]) + "/")


def seed_demo(*, scale: str, log=print) -> None:
    """``seed_demo`` hook: 60 days of duty, the demo city's or the province's."""
    from grid.demo.plan import PROVINCE

    if DutyDay.objects.exists():
        log(_("The duty rosters are already there: nothing to do."))
        return
    seed_rosters(province=scale == PROVINCE, log=log)
