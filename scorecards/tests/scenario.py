"""A month of known events (November 2026), made through the real services, and what every
figure of it must be, computed by hand in the comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import time_machine

from dispatch import services as dispatch
from dispatch.tasks import sweep_clocks
from dispatch.tests.factories import CLOSE, Cast, make_cast
from grid.models import Unit
from grid.tests.factories import City
from grid.workdays import SHANGHAI
from reports.models import Report
from reports.services import report_transition
from reports.tests.factories import submit
from scorecards.months import Month

if TYPE_CHECKING:
    from scorecards.tests.scenario_duty import Duty

MONTH = Month(2026, 11)
# The month close runs on the 1st at 01:10.
CLOSE_AT = datetime(2026, 12, 1, 1, 10, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class November:
    cast: Cast
    township_unit: Unit  # 第1区1镇政府
    far_unit: Unit  # 第2区公安分局
    cases: dict[str, Report]
    duty: Duty


def step(moment: datetime, fn, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return fn(*args, **kwargs)


def move(cast: Cast, report: Report, moment: datetime, name: str, by, **data):
    return step(moment, report_transition, report_id=report.pk, by=by, name=name, data=data)


def route(cast: Cast, report: Report, moment: datetime, unit: Unit):
    return move(
        cast,
        report,
        moment,
        "route",
        cast.duty,
        grade="important",
        lead_unit=unit.pk,
        instruction="",
    )


def build_november(city: City) -> November:
    cast = make_cast(city)
    t00 = next(u for u in city.units if u.code.endswith("-T00"))
    far = next(u for u in city.units if u.code.endswith("-C1-PUB"))
    inf0, inf2, inf4, inf5 = (city.informant(i) for i in (0, 2, 4, 5))
    admin1 = city.county_admin(1)
    other_liaison = cast.other_liaison
    cases = {}

    # A — county 0, township 0, grid point 0: handled locally by the township, closed, satisfied.
    cases["A"] = a = step(at(2, 9), submit, inf0)
    move(cast, a, at(2, 13), "accept_local", cast.admin, unit=t00.pk)
    move(cast, a, at(3, 9), "close", cast.admin, **CLOSE)

    # B — rejected as invalid an hour after filing.
    cases["B"] = b = step(at(4, 9), submit, inf0)
    move(cast, b, at(4, 10), "reject", cast.admin, kind="invalid", reason="不实")

    # C — escalated 30 h after filing (disposal status late), routed to the city department,
    # claimed in 2 h, replied and approved on time, closed; the citizen dissatisfied.
    cases["C"] = c = step(at(5, 9), submit, inf0)
    move(cast, c, at(6, 15), "escalate", cast.admin, reason="需市级协调")
    route(cast, c, at(6, 16), cast.lead_unit)
    step(at(6, 18), dispatch.assignment_claim, report_id=c.pk, by=cast.liaison)
    step(
        at(9, 10),
        dispatch.reply_submit,
        report_id=c.pk,
        by=cast.liaison,
        disposal="已整改",
        citizen_text="已整改，感谢监督。",
    )
    step(
        at(9, 11),
        dispatch.reply_review,
        report_id=c.pk,
        by=cast.duty,
        decision="approve",
        published_via="on_platform",
        published_where="原帖评论区",
    )
    move(cast, c, at(9, 12), "close", cast.liaison, **(CLOSE | {"satisfaction": "dissatisfied"}))

    # D — county 0, township 1, grid point 2: routed to the city department, sent back as not
    # theirs, routed to another department, which claims it and never replies (urged).
    cases["D"] = d = step(at(10, 9), submit, inf2)
    move(cast, d, at(10, 10), "escalate", cast.admin, reason="需市级协调")
    route(cast, d, at(10, 11), cast.lead_unit)
    move(cast, d, at(10, 14), "bounce", cast.liaison, reason="不属本单位职责")
    route(cast, d, at(10, 15), cast.other_unit)
    step(at(11, 9), dispatch.assignment_claim, report_id=d.pk, by=other_liaison)

    # E — grid point 2: never triaged (disposal status overdue by the month's end).
    cases["E"] = step(at(20, 9), submit, inf2)

    # F — county 1, grid point 4: assigned to the county's police in 2 h, still open.
    cases["F"] = f = step(at(3, 9), submit, inf4)
    move(cast, f, at(3, 11), "accept_local", admin1, unit=far.pk)

    # G — filed in October: not November's.
    cases["G"] = step(at(31, 23, month=10), submit, inf4)
    # H — grid point 5, filed on the last evening: not overdue when the month closes.
    cases["H"] = step(at(30, 23, 30), submit, inf5)

    # The reminder sweep, run once after D's reply deadline (end of Friday 13th) passed.
    step(at(20, 10), sweep_clocks)
    # The month's duty: daily reports, risk points, handovers, deductions and appeals.
    from scorecards.tests.scenario_duty import build_duty

    duty = build_duty(city)
    return November(cast=cast, township_unit=t00, far_unit=far, cases=cases, duty=duty)


# --- what the month must show ----------------------------------------------------------------
# County 0 has A, B, C, D, E. Filed 5; valid 4 (B rejected); handled 3 (A, C closed; D
# routed); closed 2; return visits 2 (A satisfied, C not). Disposal status: A 4 h, B 1 h,
# C 30 h (late), D 1 h, E none and past due: overdue 2; median of 1, 1, 4, 30 = 2.5 h. To
# close: A 24 h, C 99 h → 61.5 h. Routings: C's, D's two = 3, one sent back; 2 owe a reply,
# 1 approved on time.
COUNTY_0 = {
    "filed": 5,
    "valid": 4,
    "handled": 3,
    "closed": 2,
    "completion_rate": 0.6667,
    "routed": 3,
    "to_reply": 2,
    "replied": 1,
    "replied_on_time": 1,
    "reply_rate": 0.5,
    "on_time_reply_rate": 0.5,
    "first_response_hours": 2.5,
    "close_hours": 61.5,
    "visited": 2,
    "satisfied": 1,
    "satisfaction_rate": 0.5,
    "overdue": 2,
    "bounces": 1,
}
# County 1 has F and H (G is October's): F handled, open; reported in 2 h; H not yet due.
COUNTY_1 = {
    "filed": 2,
    "valid": 2,
    "handled": 1,
    "closed": 0,
    "completion_rate": 0.0,
    "routed": 0,
    "to_reply": 0,
    "replied": 0,
    "replied_on_time": 0,
    "reply_rate": None,
    "on_time_reply_rate": None,
    "first_response_hours": 2.0,
    "close_hours": None,
    "visited": 0,
    "satisfied": 0,
    "satisfaction_rate": None,
    "overdue": 0,
    "bounces": 0,
}
# Units. The township: A assigned at 13:00 on the 2nd, closed 20 h later, satisfied.
TOWNSHIP_UNIT = {
    "handled": 1,
    "closed": 1,
    "completion_rate": 1.0,
    "routed": 0,
    "to_reply": 0,
    "replied": 0,
    "replied_on_time": 0,
    "reply_rate": None,
    "on_time_reply_rate": None,
    "first_response_hours": None,
    "close_hours": 20.0,
    "visited": 1,
    "satisfied": 1,
    "satisfaction_rate": 1.0,
    "overdue": 0,
    "bounces": 0,
}
# The city department: C and D routed to it; D sent back; C claimed in 2 h (D never),
# replied on time, closed 68 h after routing, citizen dissatisfied.
LEAD_UNIT = {
    "handled": 2,
    "closed": 1,
    "completion_rate": 0.5,
    "routed": 2,
    "to_reply": 1,
    "replied": 1,
    "replied_on_time": 1,
    "reply_rate": 1.0,
    "on_time_reply_rate": 1.0,
    "first_response_hours": 2.0,
    "close_hours": 68.0,
    "visited": 1,
    "satisfied": 0,
    "satisfaction_rate": 0.0,
    "overdue": 0,
    "bounces": 1,
}
# The other department: D routed at 15:00 on the 10th, claimed 18 h later, no reply: urged.
OTHER_UNIT = {
    "handled": 1,
    "closed": 0,
    "completion_rate": 0.0,
    "routed": 1,
    "to_reply": 1,
    "replied": 0,
    "replied_on_time": 0,
    "reply_rate": 0.0,
    "on_time_reply_rate": 0.0,
    "first_response_hours": 18.0,
    "close_hours": None,
    "visited": 0,
    "satisfied": 0,
    "satisfaction_rate": None,
    "overdue": 1,
    "bounces": 0,
}
