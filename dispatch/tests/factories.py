"""Cases brought to each point of dispatch through the real services (no shortcuts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatch import services
from grid.models import Role, Unit, UnitKind, User
from grid.tests.factories import City, UnitFactory, UserFactory
from reports.models import Report, Status
from reports.services import report_transition
from reports.tests.factories import submit


@dataclass
class Cast:
    """The people and units a routed case meets; the case lies in county 0 of ``city``."""

    city: City
    reporter: User
    admin: User  # county 0
    other_admin: User  # county 1: sees none of county 0's cases
    duty: User  # city duty officer
    leader: User  # city leader
    lead_unit: Unit  # a city department
    co_unit: Unit  # another city department
    other_unit: Unit  # a city department not on the routing
    county_platform: Unit  # county 0's 网信办
    emergency: Unit  # the city's emergency command centre
    liaison: User  # of lead_unit
    co_liaison: User  # of co_unit
    other_liaison: User  # of other_unit
    far_liaison: User  # of a unit of county 1: outside the case's place

    def liaison_of(self, unit: Unit) -> User:
        return UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)


def make_cast(city: City) -> Cast:
    county = city.counties[0]
    lead = UnitFactory(code="T-ZJ", name="市住房城乡建设局", region=city.city)
    co = UnitFactory(code="T-SJ", name="市市场监管局", region=city.city)
    other = UnitFactory(code="T-JY", name="市教育局", region=city.city)
    platform = UnitFactory(
        code="T-C0-WX", name="第1区网信办", kind=UnitKind.PLATFORM, region=county
    )
    far_unit = next(u for u in city.units if u.region == city.counties[1])
    emergency = next(u for u in city.units if u.kind == UnitKind.EMERGENCY)

    def liaison(unit: Unit) -> User:
        return UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)

    return Cast(
        city=city,
        reporter=city.informant(0),
        admin=city.county_admin(0),
        other_admin=city.county_admin(1),
        duty=city.city_user(Role.DUTY_OFFICER),
        leader=city.city_user(Role.LEADER),
        lead_unit=lead,
        co_unit=co,
        other_unit=other,
        county_platform=platform,
        emergency=emergency,
        liaison=liaison(lead),
        co_liaison=liaison(co),
        other_liaison=liaison(other),
        far_liaison=liaison(far_unit),
    )


def escalated(cast: Cast, *, now: datetime | None = None, **fields) -> Report:
    report = submit(cast.reporter, **fields)
    report_transition(
        report_id=report.pk, by=cast.admin, name="escalate", data={"reason": "需市级协调"}, now=now
    )
    return report


def route(cast: Cast, report: Report, *, now: datetime | None = None, **data) -> Report:
    payload = {"grade": "important", "lead_unit": cast.lead_unit.pk, "instruction": "请速办"}
    payload.update(data)
    return report_transition(report_id=report.pk, by=cast.duty, name="route", data=payload, now=now)


def routed(cast: Cast, *, now: datetime | None = None, co: bool = True, **data) -> Report:
    """A case escalated and routed to ``cast.lead_unit`` (and ``co_unit`` if ``co``)."""
    report = escalated(cast, now=now)
    if co:
        data.setdefault("co_units", [cast.co_unit.pk])
    route(cast, report, now=now, **data)
    report.refresh_from_db()
    assert report.status == Status.ROUTED
    return report


def claimed(cast: Cast, *, now: datetime | None = None, **data) -> Report:
    report = routed(cast, now=now, **data)
    services.assignment_claim(report_id=report.pk, by=cast.liaison, now=now)
    return report


def replied(cast: Cast, *, now: datetime | None = None, **data) -> Report:
    report = claimed(cast, now=now, **data)
    services.reply_submit(
        report_id=report.pk,
        by=cast.liaison,
        disposal="已现场核实，物业已整改",
        citizen_text="您反映的问题已整改完毕，感谢监督。",
        now=now,
    )
    return report


def approved(cast: Cast, *, now: datetime | None = None, **data) -> Report:
    report = replied(cast, now=now, **data)
    services.reply_review(
        report_id=report.pk,
        by=cast.duty,
        decision="approve",
        published_via="on_platform",
        published_where="原帖评论区",
        now=now,
    )
    return report


CLOSE = {
    "resolution": "已核实处置并答复网民",
    "answered_via": "on_platform",
    "answered_where": "原帖评论区",
    "return_visit": True,
    "satisfaction": "satisfied",
}


def api(user: User | None = None):
    """A client that authenticates with ``user``'s API token, as a real client would."""
    from rest_framework.test import APIClient

    from grid.tests.factories import api_token_for

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client
