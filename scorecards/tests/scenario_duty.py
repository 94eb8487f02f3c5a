"""November's duty, through duty's real services (filings, sweeps, rosters, deductions and
appeals): daily reports on time, late and missed, risk-point lists, a missed handover, hand
recorded deductions and a bonus, an appeal upheld and one cancelled. What every figure must be
is worked out by hand below (the expectations of :mod:`scorecards.tests.scenario` use it).

Grid points G0–G7 (city.grid_points): G0, G1 in township T0 and G2, G3 in T1 (county C0);
G4, G5 in T2 and G6, G7 in T3 (county C1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from duty.deductions.services import deduction_appeal, deduction_appeal_decide, deduction_record
from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.handover_tasks import handover_check
from duty.models import Deduction, DeductionKind, SubmissionPeriod
from duty.services.expected import expected_create_for, expected_sweep
from duty.services.filings import daily_report_file, risk_points_file
from duty.tests.factories import Crew, make_crew
from duty.tests.helpers import put_on
from grid.models import Role
from grid.tests.factories import City, UserFactory
from scorecards.tests.scenario import at, step

DAY_2, DAY_3 = date(2026, 11, 2), date(2026, 11, 3)


@dataclass
class Duty:
    crew: Crew
    heads: dict[int, object]  # grid point index -> its head
    officer: object
    admin: object
    cancelled_after_close: Deduction  # G6's 3 Nov miss, appealed; cancelled on 2 Dec
    late_risk_filer: object  # G5's informant, who files November's list on 3 Dec


def _daily(user, moment):
    return step(moment, daily_report_file, by=user, nothing_to_report=True, now=moment)


def _risks(user, moment):
    month = date(2026, 11, 1)
    return step(moment, risk_points_file, by=user, nothing_found=True, month=month, now=moment)


def _missed(point, day: int) -> Deduction:
    return Deduction.objects.get(
        kind="daily_report_missed", grid_point=point, at=at(day, 15), status="counting"
    )


def build_duty(city: City) -> Duty:
    crew = make_crew(city)  # G0's head, three informants of G0, the city platform's desk
    points = city.grid_points
    heads = {0: crew.head}
    for i in (1, 2, 3, 4, 5, 6, 7):
        heads[i] = UserFactory(
            role=Role.GRID_HEAD, region=points[i].region, grid_point=points[i], name=f"负责人{i}"
        )
        points[i].head = heads[i]
        points[i].save(update_fields=["head"])
    officer, admin = crew.officers[0], crew.admin

    # Daily reports are owed on 2 and 3 November only, by all eight grid points, due at 15:00;
    # risk-point lists for November only: every other period is marked created (with no
    # rows), so the sweeps' catch-up does not create them.
    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(80)]
    SubmissionPeriod.objects.bulk_create(
        [SubmissionPeriod(kind=DAILY_REPORT, period=d) for d in days if d not in (DAY_2, DAY_3)]
        + [SubmissionPeriod(kind=RISK_POINTS, period=date(2026, m, 1)) for m in (10, 12)]
    )
    for day in (DAY_2, DAY_3):
        expected_create_for(kind=DAILY_REPORT, period=day)
    # 2 Nov: G0, G2, G4, G6 on time; the 15:00 sweep marks G1, G3, G5, G7 missed; G1 files at
    # 16:00 (late: its late deduction, −0.5, replaces the miss's −1).
    for i in (0, 2, 4, 6):
        _daily(heads[i], at(2, 10))
    step(at(2, 15), expected_sweep, now=at(2, 15))
    _daily(heads[1], at(2, 16))
    # 3 Nov: G0 and G4 on time; the other six missed (−1 each).
    for i in (0, 4):
        _daily(heads[i], at(3, 14, 59))
    step(at(3, 15), expected_sweep, now=at(3, 15))

    # G7 appeals its 3 Nov miss and the city admin cancels it: it stops counting.
    g7 = _missed(points[7], 3)
    step(at(4, 9), deduction_appeal, deduction_id=g7.pk, by=heads[7], reason="系统故障")
    step(
        at(5, 9),
        deduction_appeal_decide,
        deduction_id=g7.pk,
        by=admin,
        decision="cancel",
        note="核实属实",
    )

    # Handovers: G0's desk (two informants) and the city platform (two officers) on duty on 5
    # and 6 November; neither hands over by 09:00 on the 6th: two misses (−1 each).
    put_on(crew, [crew.members[0]], day=date(2026, 11, 5), leader=crew.head)
    put_on(crew, [crew.members[1]], day=date(2026, 11, 6), leader=crew.head)
    put_on(crew, [crew.officers[1]], desk=crew.platform, day=date(2026, 11, 5))
    put_on(crew, [crew.officers[2]], desk=crew.platform, day=date(2026, 11, 6))
    step(at(6, 9), handover_check, now=at(6, 9))

    # By hand: G4 reported a general case late (−1); it appeals and the admin upholds it.
    g4 = step(
        at(12, 10),
        deduction_record,
        by=officer,
        kind="report_late",
        target=points[4],
        reason="迟报一般网情",
        at=at(12, 10),
        now=at(12, 10),
    )
    step(at(13, 9), deduction_appeal, deduction_id=g4.pk, by=heads[4], reason="已按时上报")
    step(
        at(14, 9),
        deduction_appeal_decide,
        deduction_id=g4.pk,
        by=admin,
        decision="uphold",
        note="查无实据",
    )
    # G2's report adopted by the leadership (+2); T1 and county C1 named for an overdue case in
    # a bulletin (−1 each: a township's own, and a county's own, deduction).
    step(
        at(15, 10),
        deduction_record,
        by=officer,
        kind="report_adopted",
        target=points[2],
        reason="被市领导批示采用",
        at=at(15, 10),
        now=at(15, 10),
    )
    for target in (city.townships[1], city.counties[1]):
        step(
            at(18, 10),
            deduction_record,
            by=officer,
            kind="bulletin_overdue",
            target=target,
            reason="逾期案件被通报",
            at=at(18, 10),
            now=at(18, 10),
        )
    # G6 appeals its 3 Nov miss on the 28th; the decision comes only after the month closed.
    g6 = _missed(points[6], 3)
    step(at(28, 9), deduction_appeal, deduction_id=g6.pk, by=heads[6], reason="网络中断")

    # Risk-point lists for November, due at its end (24:00): G0 files on the 20th; the sweep at
    # midnight marks the seven others missed; G4 files at 00:30 on 1 December (late, before
    # the month closes at 01:10); G5 only on 3 December (after: missed in the frozen month).
    expected_create_for(kind=RISK_POINTS, period=date(2026, 11, 1))
    _risks(heads[0], at(20, 10))
    step(at(1, 0, month=12), expected_sweep, now=at(1, 0, month=12))
    _risks(heads[4], at(1, 0, 30, month=12))
    return Duty(
        crew=crew,
        heads=heads,
        officer=officer,
        admin=admin,
        cancelled_after_close=g6,
        late_risk_filer=heads[5],
    )


def after_close(duty: Duty) -> None:
    """What happens in December, after the month closed: G6's appeal is cancelled; G5 files
    November's risk-point list; a deduction dated November is recorded by hand."""
    step(
        at(2, 9, month=12),
        deduction_appeal_decide,
        deduction_id=duty.cancelled_after_close.pk,
        by=duty.admin,
        decision="cancel",
        note="核实属实",
    )
    _risks(duty.late_risk_filer, at(3, 10, month=12))
    crew = duty.crew
    step(
        at(3, 11, month=12),
        deduction_record,
        by=duty.officer,
        kind="report_missed",
        target=crew.city.grid_points[3],
        reason="补记：11月漏报",
        at=at(29, 10),
        now=at(3, 11, month=12),
    )


# --- what the month must show ----------------------------------------------------------------
# Daily reports (on time, late, missed): G0 2/0/0, G1 0/1/1, G2 1/0/1, G3 0/0/2, G4 2/0/0,
# G5 0/0/2, G6 1/0/1, G7 0/0/2 (G7's cancelled deduction does not undo its miss).
# Risk-point lists: G0 on time, G4 late, the others missed (G5's came after the close).
# Handovers missed: G0 and the platform. The risk-point lists' deductions count in November,
# the month they are owed for, though their deadline (24:00 on 30 November) is 00:00 on
# 1 December: a missed list 2 points, a late one 1 (G4's late list replaced its miss at 00:30;
# G5's list of 3 December came after the close, so November froze its miss).
#
# Deductions (points deducted) / bonuses:
#   G0 1 (handover) · G1 3.5 (late 0.5 + missed 1 + risk 2) · G2 3 (1 + risk 2) / +2
#   G3 4 (2 + risk 2) · G4 2 (1 upheld + risk late 1) · G5 4 (2 + risk 2)
#   G6 3 (1 under appeal at the close + risk 2) · G7 3 (1, the other cancelled, + risk 2)
#   T0 = 4.5 · T1 = 7 + 1 (its own) / +2 · T2 = 6 · T3 = 6
#   C0 = 12.5 / +2 · C1 = 12 + 1 (its own) = 13
# Scores: G0, G2 99; G4 98; G6, G7 97; G1 96.5; G3, G5 96 — T0 95.5, T1 = T2 = T3 94 —
# C0 89.5, C1 87.
DAILY = {  # grid point index: (on time, late, missed)
    0: (2, 0, 0),
    1: (0, 1, 1),
    2: (1, 0, 1),
    3: (0, 0, 2),
    4: (2, 0, 0),
    5: (0, 0, 2),
    6: (1, 0, 1),
    7: (0, 0, 2),
}
RISKS = {0: (1, 0, 0), 4: (0, 1, 0)} | dict.fromkeys((1, 2, 3, 5, 6, 7), (0, 0, 1))
HANDOVERS = {0: 1}
# grid point index: (deductions, bonuses, {kind: signed points})
POINTS = {
    0: (1.0, 0.0, {"handover_missed": -1.0}),
    1: (
        3.5,
        0.0,
        {"daily_report_late": -0.5, "daily_report_missed": -1.0, "risk_points_missed": -2.0},
    ),
    2: (
        3.0,
        2.0,
        {"daily_report_missed": -1.0, "risk_points_missed": -2.0, "report_adopted": 2.0},
    ),
    3: (4.0, 0.0, {"daily_report_missed": -2.0, "risk_points_missed": -2.0}),
    4: (2.0, 0.0, {"report_late": -1.0, "risk_points_late": -1.0}),
    5: (4.0, 0.0, {"daily_report_missed": -2.0, "risk_points_missed": -2.0}),
    6: (3.0, 0.0, {"daily_report_missed": -1.0, "risk_points_missed": -2.0}),
    7: (3.0, 0.0, {"daily_report_missed": -1.0, "risk_points_missed": -2.0}),
}
# Places' own deductions: township index / county index -> (deductions, {kind: points}).
TOWNSHIP_OWN = {1: (1.0, {"bulletin_overdue": -1.0})}
COUNTY_OWN = {1: (1.0, {"bulletin_overdue": -1.0})}
GRID_POINT_SCORES = {0: 99, 1: 96.5, 2: 99, 3: 96, 4: 98, 5: 96, 6: 97, 7: 97}
GRID_POINT_RANKS = {0: 1, 2: 1, 4: 3, 6: 4, 7: 4, 1: 6, 3: 7, 5: 7}
TOWNSHIP_SCORES = {0: 95.5, 1: 94, 2: 94, 3: 94}
TOWNSHIP_RANKS = {0: 1, 1: 2, 2: 2, 3: 2}
COUNTY_SCORES = {0: 89.5, 1: 87}


OWED = ["daily_on_time", "daily_late", "daily_missed", "risk_on_time", "risk_late", "risk_missed"]


def duty_figures(level: str, points: dict[str, float] | None = None, **counts) -> dict:
    """Every duty figure of a node at ``level``: zero, but for the ``counts`` and the signed
    ``points`` by kind given; deductions and bonuses are the sums of those points."""
    points = points or {}
    figures = {} if level == "unit" else dict.fromkeys(OWED, 0)
    figures["handovers_missed"] = 0
    figures |= counts
    figures["deductions"] = -sum(p for p in points.values() if p < 0) + 0.0
    figures["bonuses"] = sum(p for p in points.values() if p > 0) + 0.0
    for kind in DeductionKind.values:
        figures[f"points_{kind}"] = float(points.get(kind, 0.0))
    return figures


# County C0: G0–G3 and T1's own deduction; C1: G4–G7 and its own.
COUNTY_0_DUTY = duty_figures(
    "county",
    {
        "handover_missed": -1.0,
        "daily_report_late": -0.5,
        "daily_report_missed": -4.0,
        "risk_points_missed": -6.0,
        "report_adopted": 2.0,
        "bulletin_overdue": -1.0,
    },
    daily_on_time=3,
    daily_late=1,
    daily_missed=4,
    risk_on_time=1,
    risk_missed=3,
    handovers_missed=1,
)
COUNTY_1_DUTY = duty_figures(
    "county",
    {
        "report_late": -1.0,
        "daily_report_missed": -4.0,
        "risk_points_late": -1.0,
        "risk_points_missed": -6.0,
        "bulletin_overdue": -1.0,
    },
    daily_on_time=3,
    daily_missed=5,
    risk_late=1,
    risk_missed=3,
)
PLATFORM_DUTY = duty_figures("unit", {"handover_missed": -1.0}, handovers_missed=1)
OTHER_UNIT_DUTY = duty_figures("unit", {"reply_late": -0.5})  # dispatch's urging of D
NO_DUTY_UNIT = duty_figures("unit")
