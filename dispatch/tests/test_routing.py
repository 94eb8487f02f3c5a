"""Routing as data: the extended route payload, grades, re-routing history, misroutes, the
close condition for every caller, co-handlers' visibility, and the route form's suggestions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from dispatch import services
from dispatch.models import (
    Assignment,
    AssignmentState,
    Clock,
    ClockKind,
    Handler,
    MajorAcknowledgement,
)
from dispatch.selectors import reply_proposals_for, route_suggestions_for
from dispatch.tests import factories as f
from dispatch.tests.factories import CLOSE, api
from grid.models import Unit, UnitKind
from grid.workdays import SHANGHAI
from notifications.models import Notification
from reports.models import Report, ReportEvent, Status
from reports.services import PayloadInvalid, report_transition

pytestmark = pytest.mark.django_db

ROUTE_URL = "/api/v1/reports/{pk}/transitions/route/"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# --- the route payload -----------------------------------------------------------------------


def test_a_routing_is_written_with_its_units_and_deadlines_from_the_rules(cast):
    wednesday = at(2026, 11, 18, 10, 0)
    report = f.routed(cast, now=wednesday)
    assignment = Assignment.objects.get(report=report)
    assert (assignment.number, assignment.state, assignment.grade) == (1, "active", "important")
    assert (assignment.lead_unit, assignment.routed_by) == (cast.lead_unit, cast.duty)
    assert assignment.instruction == "请速办"
    # Claim: 1 working day (end of Thursday); reply: 3 working days (end of Monday), at most
    # 5 with extensions (end of Wednesday).
    assert assignment.claim_due_at == at(2026, 11, 20, 0, 0)
    assert assignment.reply_due_at == assignment.reply_proposed_at == at(2026, 11, 24, 0, 0)
    assert assignment.reply_max_due_at == at(2026, 11, 26, 0, 0)
    assert not assignment.reply_due_assumed
    handlers = {(h.unit_id, h.role) for h in assignment.handlers.all()}
    assert handlers == {(cast.lead_unit.pk, "lead"), (cast.co_unit.pk, "co")}
    clocks = sorted((c.kind, c.unit_id) for c in assignment.clocks.all())
    assert clocks == sorted(
        [("claim", cast.lead_unit.pk), ("claim", cast.co_unit.pk), ("reply", cast.lead_unit.pk)]
    )
    event = ReportEvent.objects.get(report=report, transition="route")
    assert assignment.route_event == event
    assert event.data["co_unit_names"] == [cast.co_unit.name]
    assert event.data["reply_due_at"] == "2026-11-24T00:00:00+08:00"
    # The lead unit is told by reports' route step, the co-handler by dispatch.
    assert Notification.objects.filter(recipient=cast.liaison, kind="report_route").exists()
    assert Notification.objects.filter(
        recipient=cast.co_liaison, kind="dispatch_co_routed"
    ).exists()


def test_urgent_grades_get_two_working_days(cast):
    wednesday = at(2026, 11, 18, 10, 0)
    report = f.escalated(cast, now=wednesday)
    f.route(cast, report, now=wednesday, grade="major")
    assert Assignment.objects.get(report=report).reply_due_at == at(2026, 11, 21, 0, 0)


def test_the_route_forms_proposals_read_the_rules_once(django_assert_num_queries):
    # the reply rules of every grade (one query) and the calendar once per distinct rule
    # (three working days; two for the urgent grades)
    wednesday = at(2026, 11, 18, 10, 0)
    with django_assert_num_queries(3):
        proposals = reply_proposals_for(now=wednesday)
    assert {grade: p.at for grade, p in proposals.items()} == {
        "general": at(2026, 11, 24, 0, 0),
        "important": at(2026, 11, 24, 0, 0),
        "difficult": at(2026, 11, 21, 0, 0),
        "sudden": at(2026, 11, 21, 0, 0),
        "major": at(2026, 11, 21, 0, 0),
    }


def test_the_officer_may_shorten_the_reply_deadline_never_lengthen_it(cast):
    now = timezone.now()
    report = f.escalated(cast)
    too_late = (now + timedelta(days=30)).isoformat()
    past = (now - timedelta(hours=1)).isoformat()
    for value, message in ((too_late, "at the latest"), (past, "in the future")):
        response = api(cast.duty).post(
            ROUTE_URL.format(pk=report.pk),
            {"grade": "general", "lead_unit": cast.lead_unit.pk, "reply_due_at": value},
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"reply_due_at"}
        assert message in response.json()["errors"]["reply_due_at"][0]
    sooner = timezone.localtime(now + timedelta(hours=5)).replace(second=0, microsecond=0)
    response = api(cast.duty).post(
        ROUTE_URL.format(pk=report.pk),
        {"grade": "general", "lead_unit": cast.lead_unit.pk, "reply_due_at": sooner.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assignment = Assignment.objects.get(report=report)
    assert assignment.reply_due_at == sooner
    assert assignment.reply_proposed_at > sooner
    assert assignment.clocks.get(kind=ClockKind.REPLY).due_at == sooner


def test_difficult_and_sudden_cases_are_led_by_the_emergency_command_centre(cast):
    report = f.escalated(cast)
    response = api(cast.duty).post(
        ROUTE_URL.format(pk=report.pk),
        {"grade": "sudden", "lead_unit": cast.lead_unit.pk},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lead_unit"}
    # Left out, the lead is the centre; other units co-handle.
    response = api(cast.duty).post(
        ROUTE_URL.format(pk=report.pk),
        {"grade": "difficult", "co_units": [cast.lead_unit.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    report.refresh_from_db()
    assert report.lead_unit == cast.emergency
    assignment = Assignment.objects.get(report=report)
    assert assignment.lead_unit == cast.emergency
    assert [h.unit for h in assignment.handlers.filter(role="co")] == [cast.lead_unit]


def test_without_an_emergency_centre_a_difficult_case_cannot_be_routed(cast):
    Unit.objects.filter(kind=UnitKind.EMERGENCY).update(is_active=False)
    report = f.escalated(cast)
    with pytest.raises(PayloadInvalid) as refused:
        f.route(cast, report, grade="difficult", lead_unit=None)
    assert "emergency command centre" in str(refused.value.form.errors["lead_unit"])


def test_other_grades_need_a_lead_unit_and_it_cannot_co_handle_too(cast):
    report = f.escalated(cast)
    response = api(cast.duty).post(ROUTE_URL.format(pk=report.pk), {}, format="json")
    assert set(response.json()["errors"]) == {"grade", "lead_unit"}
    response = api(cast.duty).post(
        ROUTE_URL.format(pk=report.pk),
        {"grade": "general", "lead_unit": cast.lead_unit.pk, "co_units": [cast.lead_unit.pk]},
        format="json",
    )
    assert set(response.json()["errors"]) == {"co_units"}
    far = Unit.objects.filter(region=cast.city.counties[1]).first()
    response = api(cast.duty).post(
        ROUTE_URL.format(pk=report.pk),
        {"grade": "general", "lead_unit": cast.lead_unit.pk, "co_units": [far.pk]},
        format="json",
    )
    assert set(response.json()["errors"]) == {"co_units"}


def test_a_major_case_is_told_to_city_leadership_at_once(cast):
    county_leader = f.UserFactory(role="leader", region=cast.city.counties[0])
    report = f.routed(cast, grade="major")
    asked = set(MajorAcknowledgement.objects.filter(report=report).values_list("person", flat=True))
    assert asked == {cast.duty.pk, cast.leader.pk}
    assert county_leader.pk not in asked
    assert (
        set(
            Notification.objects.filter(kind="dispatch_major_case").values_list(
                "recipient", flat=True
            )
        )
        == asked
    )


# --- bounces, re-routing, reopening ----------------------------------------------------------


def test_a_bounce_is_recorded_against_the_routing_that_caused_it(cast):
    report = f.routed(cast)
    services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    report_transition(
        report_id=report.pk, by=cast.liaison, name="bounce", data={"reason": "不属我局职责"}
    )
    first = Assignment.objects.get(report=report)
    event = ReportEvent.objects.get(report=report, transition="bounce")
    assert first.state == AssignmentState.BOUNCED
    assert (first.bounced_by, first.bounce_reason, first.bounce_event) == (
        cast.liaison,
        "不属我局职责",
        event,
    )
    assert first.bounced_at == event.at
    assert event.unit == cast.lead_unit  # the misroute, counted against the lead unit
    # Out of every inbox, every clock stopped as ended.
    assert not Handler.objects.filter(assignment=first, open=True).exists()
    assert set(first.clocks.values_list("outcome", flat=True)) <= {"ended", "met"}
    assert not Clock.objects.filter(assignment=first, next_at__isnull=False).exists()
    # Routed again, to another unit: the history keeps both.
    f.route(cast, report, lead_unit=cast.other_unit.pk)
    routings = list(Assignment.objects.filter(report=report).order_by("number"))
    assert [(a.number, a.state, a.lead_unit) for a in routings] == [
        (1, "bounced", cast.lead_unit),
        (2, "active", cast.other_unit),
    ]
    body = api(cast.duty).get(f"/api/v1/reports/{report.pk}/dispatch/").json()
    assert [(r["number"], r["state"]) for r in body["routings"]] == [(2, "active"), (1, "bounced")]
    assert body["routings"][1]["bounce_reason"] == "不属我局职责"


def test_a_reopened_case_gets_a_new_routing_with_the_same_units(cast):
    report = f.approved(cast)
    report_transition(report_id=report.pk, by=cast.liaison, name="close", data=CLOSE)
    first = Assignment.objects.get(report=report)
    assert first.state == AssignmentState.CLOSED
    report_transition(report_id=report.pk, by=cast.duty, name="reopen", data={"reason": "再次发酵"})
    second = Assignment.objects.get(report=report, state=AssignmentState.ACTIVE)
    assert second.number == 2
    assert second.instruction == "再次发酵"
    assert {(h.unit_id, h.role, h.claimed_at) for h in second.handlers.all()} == {
        (cast.lead_unit.pk, "lead", None),
        (cast.co_unit.pk, "co", None),
    }
    assert second.reply_state == "none"
    # It cannot close again before a new reply is approved.
    with pytest.raises(TransitionNotAllowed):
        report_transition(report_id=report.pk, by=cast.liaison, name="close", data=CLOSE)


# --- the close condition, for every caller ---------------------------------------------------


@pytest.mark.parametrize("state", ["routed", "claimed", "replied", "sent_back"])
def test_a_routed_case_closes_only_once_its_reply_is_approved(cast, client, state):
    report = f.replied(cast) if state in ("replied", "sent_back") else getattr(f, state)(cast)
    if state == "sent_back":
        services.reply_review(report_id=report.pk, by=cast.duty, decision="send_back", comment="改")
    for user in (cast.liaison, cast.duty):
        # The service, whoever calls it (the bulk action calls it too) ...
        with pytest.raises(TransitionNotAllowed) as refused:
            report_transition(report_id=report.pk, by=user, name="close", data=CLOSE)
        assert "approved" in str(refused.value)
        # ... the API, even with a bad payload: 409 before 400 ...
        for payload in (CLOSE, {}):
            response = api(user).post(
                f"/api/v1/reports/{report.pk}/transitions/close/", payload, format="json"
            )
            assert response.status_code == 409, response.json()
            assert response.json()["detail"] == (
                "A routed case closes only once the lead unit's reply is approved."
            )
        # ... and the page; none of them offers it.
        client.force_login(user)
        page = client.post(
            reverse("report-transition", args=[report.pk, "close"]),
            {f"close-{k}": v for k, v in CLOSE.items()},
        )
        assert page.status_code == 409
        body = api(user).get(f"/api/v1/reports/{report.pk}/").json()
        assert "close" not in {t["name"] for t in body["available_transitions"]}
    assert Report.objects.get(pk=report.pk).status == Status.ROUTED


def test_with_the_reply_approved_the_lead_unit_closes_and_the_routing_ends(cast):
    report = f.approved(cast)
    body = api(cast.liaison).get(f"/api/v1/reports/{report.pk}/").json()
    assert "close" in {t["name"] for t in body["available_transitions"]}
    response = api(cast.liaison).post(
        f"/api/v1/reports/{report.pk}/transitions/close/", CLOSE, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["satisfaction"] == "satisfied"
    assignment = Assignment.objects.get(report=report)
    assert assignment.state == AssignmentState.CLOSED
    assert not Clock.objects.filter(assignment=assignment, stopped_at__isnull=True).exists()
    # Out of the inboxes; the units still see the case they handled.
    assert not Handler.objects.filter(assignment=assignment, open=True).exists()
    assert api(cast.co_liaison).get(f"/api/v1/reports/{report.pk}/").status_code == 200


def test_a_locally_handled_case_closes_as_before(cast):
    township = next(u for u in cast.city.units if u.kind == UnitKind.TOWNSHIP)
    report = f.submit(cast.reporter)
    report_transition(
        report_id=report.pk, by=cast.admin, name="accept_local", data={"unit": township.pk}
    )
    closed = report_transition(report_id=report.pk, by=cast.admin, name="close", data=CLOSE)
    assert closed.status == Status.CLOSED


# --- co-handlers' visibility -----------------------------------------------------------------


def test_a_co_handler_sees_the_case_while_its_routing_stands(cast):
    report = f.escalated(cast)
    detail = f"/api/v1/reports/{report.pk}/"
    assert api(cast.co_liaison).get(detail).status_code == 404
    f.route(cast, report, co_units=[cast.co_unit.pk])
    assert api(cast.co_liaison).get(detail).status_code == 200
    assert Report.objects.visible_to(cast.co_liaison).filter(pk=report.pk).exists()
    listed = api(cast.co_liaison).get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in listed] == [report.pk]
    # Another unit still sees nothing of it.
    assert api(cast.other_liaison).get(detail).status_code == 404
    # The routing is bounced: the co-handler's sight of the case ends with it.
    report_transition(
        report_id=report.pk, by=cast.liaison, name="bounce", data={"reason": "非本单位"}
    )
    assert api(cast.co_liaison).get(detail).status_code == 404
    assert api(cast.liaison).get(detail).status_code == 404


# --- suggestions -----------------------------------------------------------------------------


def test_suggestions_are_who_handled_this_category_here_lately(cast, django_assert_num_queries):
    now = timezone.now()
    for unit, times in ((cast.co_unit, 2), (cast.lead_unit, 1)):
        for _ in range(times):
            f.routed(cast, co=False, lead_unit=unit.pk)
    old = f.routed(cast, co=False, lead_unit=cast.other_unit.pk)
    Assignment.objects.filter(report=old).update(routed_at=now - timedelta(days=91))
    misrouted = f.routed(cast, co=False, lead_unit=cast.other_unit.pk)
    report_transition(
        report_id=misrouted.pk, by=cast.other_liaison, name="bounce", data={"reason": "x"}
    )
    other_category = f.escalated(cast, category="rumour")
    f.route(cast, other_category, lead_unit=cast.other_unit.pk)
    report = f.escalated(cast)
    with django_assert_num_queries(3):
        suggestions = route_suggestions_for(report=report, now=now)
    assert [(s.unit_id, s.count) for s in suggestions.frequent] == [
        (cast.co_unit.pk, 2),
        (cast.lead_unit.pk, 1),
    ]
    assert suggestions.county_units == [cast.county_platform]
    assert suggestions.emergency_centre == cast.emergency
    body = api(cast.duty).get(f"/api/v1/reports/{report.pk}/route-suggestions/").json()
    assert body["frequent"][0] == {
        "unit": {"id": cast.co_unit.pk, "name": cast.co_unit.name},
        "count": 2,
    }
    assert set(body["reply_due"]) == {"general", "important", "difficult", "sudden", "major"}
    assert (
        api(cast.liaison).get(f"/api/v1/reports/{report.pk}/route-suggestions/").status_code == 404
    )
    assert api(cast.admin).get(f"/api/v1/reports/{report.pk}/route-suggestions/").status_code == 403


def test_the_case_page_offers_the_extended_route_form_and_routes_with_it(cast, client):
    report = f.escalated(cast)
    client.force_login(cast.duty)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    for name in ("route-grade", "route-lead_unit", "route-co_units", "route-reply_due_at"):
        assert f'name="{name}"' in html, name
    response = client.post(
        reverse("report-transition", args=[report.pk, "route"]),
        {
            "route-grade": "important",
            "route-lead_unit": cast.lead_unit.pk,
            "route-co_units": [cast.co_unit.pk],
            "route-expected_status": "escalated",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(report=report)
    assert [h.unit for h in assignment.handlers.filter(role="co")] == [cast.co_unit]


def test_the_case_page_closes_with_how_the_citizen_was_answered(cast, client):
    report = f.approved(cast)
    client.force_login(cast.liaison)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    for name in ("close-answered_via", "close-answered_where", "close-return_visit"):
        assert f'name="{name}"' in html, name
    response = client.post(
        reverse("report-transition", args=[report.pk, "close"]),
        {f"close-{k}": v for k, v in CLOSE.items()},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).satisfaction == "satisfied"
