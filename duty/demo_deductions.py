"""Demo deductions: a few recorded by hand, with appeals pending and decided, for the demo city.

Called from ``duty.demo.seed_demo``. Idempotent: nothing is written once a deduction recorded
by hand exists. Everything goes through the services (reasons, history, notifications).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from duty.deductions.services import (
    deduction_appeal,
    deduction_appeal_decide,
    deduction_record,
    deductions_from_events,
)
from duty.models import Deduction
from grid.hooks import ScoreEvent
from grid.models import GridPoint, Level, Region, Role, Unit, User
from reports.models import Report


def seed_deductions_demo(*, scale: str, log=print) -> None:
    """A dozen deductions and bonuses in 邗江区 and for the demo unit, some appealed."""
    if Deduction.objects.filter(created_by__isnull=False).exists():
        log(_("The demo deductions are already there: nothing to do."))
        return
    officer = User.objects.filter(username="demo-duty-officer").first()
    admin = User.objects.filter(username="demo-admin").first()
    county_admin = User.objects.filter(username="demo-county-admin").first()
    liaison = User.objects.filter(username="demo-unit").first()
    if None in (officer, admin, county_admin, liaison):
        log(_("No demo logins: no demo deductions."))
        return
    county = county_admin.region
    points = list(
        GridPoint.objects.filter(region__path__startswith=county.path, head__isnull=False)
        .select_related("head", "region")
        .order_by("code")[:4]
    )
    informant = User.objects.filter(username="demo-informant").select_related("grid_point").first()
    if informant is not None and informant.grid_point_id and informant.grid_point.head_id:
        points = [informant.grid_point, *[p for p in points if p.pk != informant.grid_point_id]]
    township = Region.objects.filter(path__startswith=county.path, level=Level.TOWNSHIP).first()
    unit = liaison.unit
    cases = list(Report.objects.filter(county=county).order_by("-created_at")[:6])
    now = timezone.now()
    made = 0

    def record(**kw) -> Deduction:
        nonlocal made
        made += 1
        return deduction_record(by=officer, now=now, **kw)

    if points:
        first = points[0]
        concealed = record(
            kind="report_missed",
            grade="important",
            target=first,
            reason="群众在微信群反映的道路塌陷信息，网格点未按要求上报，由县级平台巡查发现。",
            source=cases[0] if cases else None,
            at=now - timedelta(days=3),
        )
        deduction_appeal(
            deduction_id=concealed.pk,
            by=first.head,
            reason="该信息已于当日电话报告镇网格点，附通话记录，请复核。",
            now=now - timedelta(days=2),
        )
        record(
            kind="report_adopted",
            target=first,
            reason="上报的一条民生诉求信息被市领导批示采用。",
            at=now - timedelta(days=10),
        )
    for point in points[1:3]:
        late = record(
            kind="report_late",
            grade="general",
            target=point,
            reason="发现后超过规定时限才上报平台。",
            at=now - timedelta(days=5),
        )
        if point is points[1]:
            deduction_appeal(
                deduction_id=late.pk,
                by=point.head,
                reason="系统故障导致延迟，已向县管理员报备。",
                now=now - timedelta(days=4),
            )
            deduction_appeal_decide(
                deduction_id=late.pk,
                by=admin,
                decision="cancel",
                note="经核实系平台故障，撤销扣分。",
                now=now - timedelta(days=3),
            )
    if township is not None:
        mishandled = record(
            kind="mishandled",
            grade="general",
            responsibility="indirect",
            target=township,
            reason="对一般网情处置不当，引发二次传播。",
            source=cases[1] if len(cases) > 1 else None,
            at=now - timedelta(days=7),
        )
        deduction_appeal(
            deduction_id=mishandled.pk,
            by=county_admin,
            reason="镇里已按要求处置，二次传播与处置无关。",
            now=now - timedelta(days=6),
        )
        deduction_appeal_decide(
            deduction_id=mishandled.pk,
            by=admin,
            decision="uphold",
            note="处置记录显示回应迟缓，维持扣分。",
            now=now - timedelta(days=5),
        )
    if unit is not None:
        record(
            kind="bulletin_overdue",
            target=unit,
            reason="逾期未答复的网民留言在本月通报中被点名。",
            at=now - timedelta(days=8),
        )
        routed = Report.objects.filter(lead_unit=unit).order_by("-created_at")[:3]
        deductions_from_events(
            [
                ScoreEvent.of("reply_late", source=case, target=unit, at=now - timedelta(days=i))
                for i, case in enumerate(routed, start=1)
            ]
        )
        made += len(routed)
    other_units = Unit.objects.filter(region=county, liaisons__role=Role.UNIT_LIAISON)[:1]
    for other in other_units:
        record(kind="bulletin_praised", target=other, reason="月通报表扬：按时办结率100%。")
    log(_("Created %(n)d demo deductions and bonuses.") % {"n": made})
