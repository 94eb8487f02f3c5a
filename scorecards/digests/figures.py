"""One node's week for the digest, in four aggregate queries whatever the node's size.

For a city: the city and each of its counties; for a county: the county and each of its
townships. Each query is one scan of the week's rows with conditional aggregates (one per
figure and child), never a loop over cases:

1. cases filed and closed in the week;
2. deadlines (claim, reply, promise) that fell due in the week and were missed, by case;
3. major and sudden cases open now;
4. the week's daily reports (网情日报): on time, late, missed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from dispatch.models import Clock
from duty.filings import DAILY_REPORT
from duty.models import ExpectedSubmission, SubmissionStatus
from grid.models import Level, Region
from reports.models import OPEN_STATUSES, Grade, Report, Status

ALL_STATUSES = list(Status.values)
SETTLED = [SubmissionStatus.ON_TIME, SubmissionStatus.LATE, SubmissionStatus.MISSED]
NAMED = 3  # at most this many best and worst children


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def last_week(now: datetime) -> date:
    """The Monday of the week before ``now``'s (the city's time)."""
    return week_of(timezone.localtime(now).date()) - timedelta(days=7)


def bounds(week: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(week, time.min))
    return start, timezone.make_aware(datetime.combine(week + timedelta(days=7), time.min))


def _rate(on_time: int, total: int) -> float | None:
    return None if not total else round(on_time / total, 4)


def _within(field: str, region: Region) -> Q:
    return Q(**{f"{field}__startswith": region.path})


def children_of(region: Region) -> list[Region]:
    """Whom the digest ranks: a city's counties, a county's townships."""
    below = {Level.CITY: Level.COUNTY, Level.COUNTY: Level.TOWNSHIP}.get(region.level)
    if below is None:
        return []
    return list(region.children.filter(level=below).order_by("code"))


def digest_figures(region: Region, week: date, *, now: datetime | None = None) -> dict:
    """The week starting on Monday ``week`` for ``region`` and its children, as JSON data."""
    now = now or timezone.now()
    start, end = bounds(week)
    children = children_of(region)
    filed = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)

    # 1. Filed and closed in the week.
    cases = Report.objects.filter(status__in=ALL_STATUSES).filter(_within("region_path", region))
    if region.level == Level.COUNTY:
        cases = cases.filter(county_id=region.pk)  # the county indexes
    aggregates = {"new": Count("pk", filter=filed), "closed": Count("pk", filter=closed)}
    for c in children:
        inside = _within("region_path", c)
        aggregates[f"new_{c.pk}"] = Count("pk", filter=filed & inside)
        aggregates[f"closed_{c.pk}"] = Count("pk", filter=closed & inside)
    got = cases.filter(filed | closed).aggregate(**aggregates)

    # 2. Deadlines missed in the week: due in it, and not stopped by their due time.
    missed = {"overdue": Count("report_id", distinct=True)}
    for c in children:
        missed[f"overdue_{c.pk}"] = Count(
            "report_id", distinct=True, filter=_within("report__region_path", c)
        )
    got |= (
        Clock.objects.filter(due_at__gte=start, due_at__lt=end)
        .filter(Q(stopped_at__isnull=True) | Q(stopped_at__gt=F("due_at")))
        .filter(_within("report__region_path", region))
        .aggregate(**missed)
    )

    # 3. Major and sudden cases open now.
    got["major_open"] = (
        Report.objects.filter(status__in=OPEN_STATUSES, grade__in=[Grade.MAJOR, Grade.SUDDEN])
        .filter(_within("region_path", region))
        .count()
    )

    # 4. The week's daily reports, settled (on time, late, missed).
    daily = {s: Count("pk", filter=Q(status=s)) for s in SETTLED}
    for c in children:
        inside = _within("region_path", c)
        daily[f"on_time_{c.pk}"] = Count("pk", filter=inside & Q(status=SubmissionStatus.ON_TIME))
        daily[f"settled_{c.pk}"] = Count("pk", filter=inside)
    got |= (
        ExpectedSubmission.objects.filter(
            kind=DAILY_REPORT,
            period__gte=week,
            period__lt=week + timedelta(days=7),
            status__in=SETTLED,
        )
        .filter(_within("region_path", region))
        .aggregate(**daily)
    )

    rows = [
        {
            "id": c.pk,
            "name": c.name,
            "new": got[f"new_{c.pk}"],
            "closed": got[f"closed_{c.pk}"],
            "overdue": got[f"overdue_{c.pk}"],
            "daily_rate": _rate(got[f"on_time_{c.pk}"], got[f"settled_{c.pk}"]),
        }
        for c in children
    ]
    # Best: most daily reports on time, then fewest missed deadlines, then most closed.
    ranked = sorted(
        rows,
        key=lambda r: (
            -(r["daily_rate"] if r["daily_rate"] is not None else -1),
            r["overdue"],
            -r["closed"],
            r["name"],
        ),
    )
    # Nobody is named in a week without activity (all would tie).
    active = any(r["daily_rate"] is not None or r["new"] or r["overdue"] for r in rows)
    named = min(NAMED, len(ranked) // 2) if active else 0
    settled = sum(got[s] for s in SETTLED)
    return {
        "week": week.isoformat(),
        "last_day": (week + timedelta(days=6)).isoformat(),
        "region": region.name,
        "child_level": Level.COUNTY if region.level == Level.CITY else Level.TOWNSHIP,
        "new": got["new"],
        "closed": got["closed"],
        "overdue": got["overdue"],
        "major_open": got["major_open"],
        "daily": {
            "on_time": got[SubmissionStatus.ON_TIME],
            "late": got[SubmissionStatus.LATE],
            "missed": got[SubmissionStatus.MISSED],
            "rate": _rate(got[SubmissionStatus.ON_TIME], settled),
        },
        "children": rows,
        "best": [r["name"] for r in ranked[:named]],
        "worst": [r["name"] for r in reversed(ranked[len(ranked) - named :])] if named else [],
        "computed_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
    }
