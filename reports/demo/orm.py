"""The Python writer of the report history: any database, the demo city's size."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from reports.demo.plan import (
    BODY,
    CATEGORY_WEIGHTS,
    CHAINS,
    COMMENTS,
    DAYS,
    PLATFORM_HOSTS,
    TITLES,
    Cast,
    actor_for,
    actors_for,
    disposal_rules,
    final_status,
    unit_for,
)
from reports.models import (
    CaseCounter,
    Grade,
    RejectKind,
    Report,
    ReportEvent,
    ReportSource,
    SourcePlatform,
    Status,
)
from reports.normalize import normalize_url, url_hash


def seed_report_history(
    *, per_day: int = 25, days: int = DAYS, now: datetime | None = None, seed: int = 20261122
) -> int:
    """Generate ``per_day × days`` reports with their events (Python writer; any database).

    Idempotent: does nothing if any report exists. Returns the number of reports created.
    """
    if Report.objects.exists():
        return 0
    cast = Cast.load()
    if not cast.reporters:
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    prefix = settings.GRID_CASE_PREFIX
    disposal = disposal_rules()
    day_counts: dict = {}
    reports: list[Report] = []
    plans: list[tuple[Report, list, dict]] = []
    total = per_day * days
    for _i in range(total):
        who = rng.choice(cast.reporters)
        created = now - timedelta(seconds=rng.uniform(0, days * 86400))
        discovered = created - timedelta(minutes=rng.uniform(5, 240))
        day = timezone.localdate(created)
        day_counts[day] = day_counts.get(day, 0) + 1
        category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[
            0
        ]
        platform = rng.choice(SourcePlatform.values)
        final = final_status((now - created).total_seconds() / 86400, rng)
        actors = actors_for(who, cast, rng)
        # Nobody could have acted (no admin or unit there): the case still waits in the queue.
        chain = CHAINS[final] if actors is not None else []
        t = created
        steps = []
        for name, source, target in chain:
            t = min(t + timedelta(hours=rng.uniform(0.5, 30)), now - timedelta(minutes=1))
            steps.append(
                (
                    name,
                    source,
                    target,
                    actor_for(name, chain, actors),
                    t,
                    unit_for(name, chain, actors),
                )
            )
        grade = rng.choices(Grade.values, [70, 20, 5, 3, 2])[0]
        report = Report(
            case_number=f"{prefix}-{day:%Y%m%d}-{day_counts[day]:04d}",
            status=steps[-1][2] if steps else Status.SUBMITTED,
            title=rng.choice(TITLES[category]).format(place=who.place),
            body=BODY.format(platform=SourcePlatform(platform).label),
            category=category,
            source_platform=platform,
            discovered_at=discovered,
            suggested_grade=grade,
            region_id=who.region_id,
            region_path=who.region_path,
            county_id=who.county_id,
            reporter_id=who.user_id,
            content_hash=f"demo-{day_counts[day]}-{day:%Y%m%d}",
            created_at=created,
            disposal_due_at=disposal[grade].deadline_from(discovered).at,
        )
        _apply_final_fields(report, steps, actors, rng)
        reports.append(report)
        url = None
        if platform in PLATFORM_HOSTS:
            url = PLATFORM_HOSTS[platform].format(n=rng.randint(10**8, 10**9))
        plans.append((report, steps, {"url": url}))
    with transaction.atomic():
        Report.objects.bulk_create(reports, batch_size=1000)
        events, sources = [], []
        for report, steps, extra in plans:
            events.append(
                ReportEvent(
                    report=report,
                    transition="submit",
                    source="",
                    target=Status.SUBMITTED,
                    actor_id=report.reporter_id,
                    at=report.created_at,
                )
            )
            for name, source, target, actor_id, at, unit_id in steps:
                events.append(
                    ReportEvent(
                        report=report,
                        transition=name,
                        source=source,
                        target=target,
                        actor_id=actor_id,
                        at=at,
                        comment=COMMENTS[name],
                        unit_id=unit_id,
                        internal=name == "route",
                    )
                )
            if extra["url"]:
                sources.append(
                    ReportSource(
                        report=report,
                        url=extra["url"],
                        normalized_url=normalize_url(extra["url"]),
                        url_hash=url_hash(extra["url"]),
                    )
                )
        ReportEvent.objects.bulk_create(events, batch_size=2000)
        ReportSource.objects.bulk_create(sources, batch_size=2000)
        _advance_counters(day_counts)
    return len(reports)


def _apply_final_fields(
    report: Report, steps: list, actors: dict | None, rng: random.Random
) -> None:
    names = [s[0] for s in steps]
    if steps:
        report.disposal_reported_at = steps[0][4]
    if "accept_local" in names:
        report.assigned_unit_id = actors["township_unit"]
    if "route" in names:
        report.lead_unit_id = actors["lead_unit"]
        report.grade = rng.choices(Grade.values, [60, 25, 8, 5, 2])[0]
    if "close" in names:
        report.closed_at = steps[-1][4]
        report.resolution = COMMENTS["close"]
    if "reject" in names:
        report.reject_kind = rng.choice([RejectKind.INVALID, RejectKind.NOT_ACCEPTED])


def _advance_counters(day_counts: dict) -> None:
    """Make live intake continue after the generated numbers of each day."""
    existing = dict(
        CaseCounter.objects.filter(day__in=list(day_counts)).values_list("day", "value")
    )
    for day, count in day_counts.items():
        value = max(existing.get(day, 0), count)
        CaseCounter.objects.update_or_create(day=day, defaults={"value": value})


def history_summary() -> dict:
    """Counts per status, for the seed command's output."""
    from django.db.models import Count

    rows = Report.objects.values("status").annotate(n=Count("id")).order_by("status")
    return {r["status"]: r["n"] for r in rows} | {
        "latest": Report.objects.aggregate(m=Max("created_at"))["m"],
        "vendor": connection.vendor,
    }
