"""Filing the grid points' daily report and monthly risk-point list.

A filing is written and its expected submission settled in one transaction: on time at or
before the due time, late after it (filing late is allowed, and says so). One filing per grid
point and period: a second answers :class:`AlreadyFiled` (409) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.kinds import local_today, local_zone, month_start
from duty.models import (
    DailyReport,
    DailyReportItem,
    RiskLevel,
    RiskPoint,
    RiskPointList,
    SubmissionStatus,
)
from duty.services.expected import expected_settle
from grid.models import User
from reports.models import Report, SourcePlatform
from reports.rules import may_file

MAX_ITEMS = 50
# How far back a missed filing may still be made (late): beyond, the period is closed.
MAX_DAYS_BACK = 31


class AlreadyFiled(Exception):
    """This grid point has already filed for this period."""


@dataclass(frozen=True)
class DailyItem:
    """One item as typed: a report of the day (``report_id``), or a title, platform and link."""

    report_id: int | None = None
    title: str = ""
    platform: str = ""
    url: str = ""


@dataclass(frozen=True)
class RiskItem:
    description: str
    area: str
    level: str
    measures: str
    responsible: str


def _filer(by: User) -> None:
    if not may_file(by):
        raise PermissionDenied(
            _("Only informants, volunteers and grid heads of a grid point file this.")
        )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day ``day`` as [start, end)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=local_zone())
    return start, start + timedelta(days=1)


def reports_of_the_day(*, grid_point_id: int, day: date):
    """The reports the grid point's people filed on ``day`` (what a daily report may list)."""
    start, end = day_bounds(day)
    return Report.objects.filter(
        reporter__grid_point_id=grid_point_id, created_at__gte=start, created_at__lt=end
    )


def _settle(filing, *, kind: str, period, grid_point_id: int, at) -> None:
    """Settle the grid point's expected submission with ``filing``; marked late when it is."""
    row = expected_settle(
        kind=kind, period=period, grid_point_id=grid_point_id, at=at, filing_id=filing.pk
    )
    filing.is_late = row is not None and row.status == SubmissionStatus.LATE
    if filing.is_late:
        filing.save(update_fields=["is_late"])


def _check_daily(
    *, grid_point_id: int, day: date, today: date, items: Sequence[DailyItem], nothing: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if day > today:
        errors["day"] = [_("A daily report cannot be filed for a day still to come.")]
    elif day < today - timedelta(days=MAX_DAYS_BACK):
        errors["day"] = [
            _("Daily reports older than %(days)s days can no longer be filed.")
            % {"days": MAX_DAYS_BACK}
        ]
    if nothing and items:
        errors["nothing_to_report"] = [
            _("Either list the items found, or say there is nothing to report, not both.")
        ]
    elif not nothing and not items:
        errors["items"] = [_("List at least one item, or say there is nothing to report (零报告).")]
    if len(items) > MAX_ITEMS:
        errors["items"] = [_("At most %(n)s items.") % {"n": MAX_ITEMS}]
    platforms = set(SourcePlatform.values)
    problems = []
    for n, item in enumerate(items, start=1):
        if item.report_id is None:
            if not item.title.strip():
                problems.append(_("Item %(n)s: a title is needed.") % {"n": n})
            if item.platform not in platforms:
                problems.append(_("Item %(n)s: choose the platform.") % {"n": n})
        elif item.title or item.url:
            problems.append(
                _("Item %(n)s: a linked report needs no title or link of its own.") % {"n": n}
            )
    report_ids = [i.report_id for i in items if i.report_id is not None]
    if len(set(report_ids)) != len(report_ids):
        problems.append(_("The same report is listed twice."))
    if report_ids and "day" not in errors:
        found = set(
            reports_of_the_day(grid_point_id=grid_point_id, day=day)
            .filter(pk__in=report_ids)
            .values_list("pk", flat=True)
        )
        if len(found) != len(set(report_ids)):
            problems.append(_("Only reports your grid point filed that day can be listed."))
    if problems:
        errors.setdefault("items", []).extend(problems)
    if errors:
        raise ValidationError(errors)


def daily_report_file(
    *,
    by: User,
    items: Sequence[DailyItem] = (),
    nothing_to_report: bool = False,
    note: str = "",
    day: date | None = None,
    now: datetime | None = None,
) -> DailyReport:
    """File ``by``'s grid point's daily report for ``day`` (today by default) and settle its
    expected submission; late after the due time. :class:`AlreadyFiled` if filed before."""
    _filer(by)
    now = now or timezone.now()
    today = local_today(now)
    day = day or today
    grid_point_id = by.grid_point_id
    _check_daily(
        grid_point_id=grid_point_id,
        day=day,
        today=today,
        items=items,
        nothing=nothing_to_report,
    )
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                grid_point_id=grid_point_id,
                day=day,
                nothing_to_report=nothing_to_report,
                note=note.strip(),
                filed_by=by,
                filed_at=now,
            )
            DailyReportItem.objects.bulk_create(
                DailyReportItem(
                    daily_report=report,
                    position=n,
                    report_id=item.report_id,
                    title=item.title.strip(),
                    platform=item.platform,
                    url=item.url.strip(),
                )
                for n, item in enumerate(items)
            )
            _settle(report, kind=DAILY_REPORT, period=day, grid_point_id=grid_point_id, at=now)
    except IntegrityError as exc:
        if DailyReport.objects.filter(grid_point_id=grid_point_id, day=day).exists():
            raise AlreadyFiled(
                _("Your grid point has already filed its daily report for %(day)s.")
                % {"day": day.isoformat()}
            ) from exc
        raise
    return report


def _check_risks(
    *, month: date, this_month: date, items: Sequence[RiskItem], nothing: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if month > this_month:
        errors["month"] = [_("A risk-point list cannot be filed for a month still to come.")]
    elif month < month_start(this_month - timedelta(days=1)) and month != this_month:
        errors["month"] = [_("Only this month's and last month's lists can still be filed.")]
    if nothing and items:
        errors["nothing_found"] = [
            _("Either list the risk points, or say none were found, not both.")
        ]
    elif not nothing and not items:
        errors["items"] = [_("List at least one risk point, or say none were found.")]
    if len(items) > MAX_ITEMS:
        errors["items"] = [_("At most %(n)s items.") % {"n": MAX_ITEMS}]
    levels = set(RiskLevel.values)
    problems = []
    for n, item in enumerate(items, start=1):
        missing = [
            name
            for name in ("description", "area", "measures", "responsible")
            if not getattr(item, name).strip()
        ]
        if missing:
            problems.append(
                _("Risk point %(n)s: fill in %(fields)s.") % {"n": n, "fields": ", ".join(missing)}
            )
        if item.level not in levels:
            problems.append(_("Risk point %(n)s: choose the level.") % {"n": n})
    if problems:
        errors.setdefault("items", []).extend(problems)
    if errors:
        raise ValidationError(errors)


def risk_points_file(
    *,
    by: User,
    items: Sequence[RiskItem] = (),
    nothing_found: bool = False,
    note: str = "",
    month: date | None = None,
    now: datetime | None = None,
) -> RiskPointList:
    """File ``by``'s grid point's risk-point list for ``month`` (this month by default; any day
    of it names it) and settle its expected submission; late after the month's due time."""
    _filer(by)
    now = now or timezone.now()
    this_month = month_start(local_today(now))
    month = month_start(month) if month else this_month
    grid_point_id = by.grid_point_id
    _check_risks(month=month, this_month=this_month, items=items, nothing=nothing_found)
    try:
        with transaction.atomic():
            risk_list = RiskPointList.objects.create(
                grid_point_id=grid_point_id,
                month=month,
                nothing_found=nothing_found,
                note=note.strip(),
                filed_by=by,
                filed_at=now,
            )
            RiskPoint.objects.bulk_create(
                RiskPoint(
                    risk_list=risk_list,
                    position=n,
                    description=item.description.strip(),
                    area=item.area.strip(),
                    level=item.level,
                    measures=item.measures.strip(),
                    responsible=item.responsible.strip(),
                )
                for n, item in enumerate(items)
            )
            _settle(risk_list, kind=RISK_POINTS, period=month, grid_point_id=grid_point_id, at=now)
    except IntegrityError as exc:
        if RiskPointList.objects.filter(grid_point_id=grid_point_id, month=month).exists():
            raise AlreadyFiled(
                _("Your grid point has already filed its risk-point list for %(month)s.")
                % {"month": f"{month:%Y-%m}"}
            ) from exc
        raise
    return risk_list
