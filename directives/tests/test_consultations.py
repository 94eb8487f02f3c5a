"""Consultation on a case: it grants the invited units read access while open and takes it
back at the conclusion; views in order, late ones marked; refusals in the product's order;
the routing keeps the conclusion; the API and the case page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directives.consultations import services
from directives.consultations.models import Consultation, Invitee
from dispatch.services import dispatch_available_actions
from dispatch.tests import factories as f
from dispatch.tests.factories import api, make_cast
from notifications.models import Notification
from reports.models import Report, ReportEvent, Status
from reports.selectors import report_detail_for


@pytest.fixture
def cast(city):
    return make_cast(city)


def visible(user, report) -> bool:
    return Report.objects.visible_to(user).filter(pk=report.pk).exists()


def open_on(cast, report, *, units=None, leaders=None, hours=4, now=None):
    now = now or timezone.now()
    return services.consultation_open(
        report_id=report.pk,
        by=cast.duty,
        now=now,
        data={
            "question": "是否属于谣言？由哪家单位牵头？",
            "due_at": (now + timedelta(hours=hours)).isoformat(),
            "units": [u.pk for u in (units if units is not None else [cast.other_unit])],
            "leaders": [p.pk for p in (leaders or [])],
        },
    )


def test_a_consultation_grants_and_then_removes_read_access(cast):
    report = f.escalated(cast)
    # given: a city department not on the case sees nothing of it
    assert not visible(cast.other_liaison, report)
    open_on(cast, report, units=[cast.other_unit])
    # when it is invited, its liaison reads the case (page, API) while the consultation is open
    assert visible(cast.other_liaison, report)
    assert report_detail_for(user=cast.other_liaison, report_id=report.pk).pk == report.pk
    assert api(cast.other_liaison).get(f"/api/v1/reports/{report.pk}/").status_code == 200
    # …and only read: no transition is offered to it
    assert list(report.get_available_user_status_transitions(cast.other_liaison)) == []
    assert dispatch_available_actions(user=cast.other_liaison, report=report) == []
    # others still see nothing
    assert not visible(cast.co_liaison, report)
    assert not visible(cast.far_liaison, report)
    services.consultation_give_opinion(
        report_id=report.pk, by=cast.other_liaison, data={"text": "建议住建局牵头"}
    )
    services.consultation_conclude(
        report_id=report.pk, by=cast.duty, data={"conclusion": "由住建局牵头办理"}
    )
    # then: concluded, the grant is gone
    assert not visible(cast.other_liaison, report)
    assert api(cast.other_liaison).get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert not Invitee.objects.filter(report=report, is_open=True).exists()


def test_views_come_in_order_late_ones_marked_and_each_step_is_on_the_timeline(cast):
    report = f.escalated(cast)
    start = timezone.now()
    open_on(cast, report, units=[cast.other_unit, cast.co_unit], leaders=[cast.leader], now=start)
    services.consultation_give_opinion(
        report_id=report.pk, by=cast.leader, data={"text": "先核实"}, now=start + timedelta(hours=1)
    )
    services.consultation_give_opinion(
        report_id=report.pk,
        by=cast.co_liaison,
        data={"text": "市场监管局协办"},
        now=start + timedelta(hours=5),  # past the 4-hour deadline
    )
    consultation = services.consultation_conclude(
        report_id=report.pk,
        by=cast.duty,
        data={"conclusion": "重要级，住建局牵头"},
        now=start + timedelta(hours=6),
    )
    opinions = list(consultation.opinions.order_by("at"))
    assert [(o.text, o.late) for o in opinions] == [("先核实", False), ("市场监管局协办", True)]
    steps = list(
        ReportEvent.objects.filter(report=report, transition__startswith="consultation_")
        .order_by("at", "id")
        .values_list("transition", "comment", "internal")
    )
    assert steps == [
        ("consultation_opened", "是否属于谣言？由哪家单位牵头？", True),
        ("consultation_opinion", "先核实", True),
        ("consultation_opinion", "市场监管局协办", True),
        ("consultation_concluded", "重要级，住建局牵头", True),
    ]
    late = ReportEvent.objects.get(report=report, comment="市场监管局协办")
    assert late.data["late"] is True


def test_the_invitees_are_told(cast):
    report = f.escalated(cast)
    open_on(cast, report, units=[cast.other_unit], leaders=[cast.leader])
    told = set(
        Notification.objects.filter(kind=services.INVITED).values_list("recipient", flat=True)
    )
    assert told == {cast.other_liaison.pk, cast.leader.pk}


def test_routing_waits_for_the_conclusion_and_keeps_it(cast):
    from django_fsm import TransitionNotAllowed

    report = f.escalated(cast)
    open_on(cast, report)
    with pytest.raises(TransitionNotAllowed, match="Conclude the consultation"):
        f.route(cast, report)
    report.refresh_from_db()
    assert report.status == Status.ESCALATED
    services.consultation_conclude(report_id=report.pk, by=cast.duty, data={"conclusion": "结论"})
    f.route(cast, report)
    consultation = Consultation.objects.get(report=report)
    route = ReportEvent.objects.get(report=report, transition="route")
    assert consultation.route_event_id == route.pk
    body = api(cast.duty).get(f"/api/v1/reports/{report.pk}/consultations/").json()
    assert body[0]["routed_at"] == route.at.isoformat()
    assert body[0]["conclusion"] == "结论"


# --- refusals, through the API: 404, then 409, then 403, then 400 -----------------------------


def open_url(report):
    return f"/api/v1/reports/{report.pk}/consultations/open/"


def payload(cast, **over):
    body = {
        "question": "请研判",
        "due_at": (timezone.now() + timedelta(hours=2)).isoformat(),
        "units": [cast.other_unit.pk],
    }
    body.update(over)
    return body


def test_opening_refusals_come_in_order(cast):
    report = f.escalated(cast)
    # 404: outside the person's sight
    assert (
        api(cast.other_admin).post(open_url(report), payload(cast), format="json").status_code
        == 404
    )
    # 403: sees it, may not (the county admin)
    response = api(cast.admin).post(open_url(report), payload(cast), format="json")
    assert response.status_code == 403
    # 400: bad input, with the fields named, nothing saved
    response = api(cast.duty).post(
        open_url(report),
        payload(cast, due_at=timezone.now().isoformat(), units=[cast.far_liaison.unit_id]),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"due_at", "units"}
    response = api(cast.duty).post(open_url(report), payload(cast, units=[]), format="json")
    assert response.status_code == 400
    assert "units" in response.json()["errors"]
    assert not Consultation.objects.exists()
    # 201, then 409 for a second one
    response = api(cast.duty).post(open_url(report), payload(cast), format="json")
    assert response.status_code == 201
    assert response.json()[0]["state"] == "open"
    response = api(cast.duty).post(open_url(report), payload(cast), format="json")
    assert response.status_code == 409
    assert response.json()["code"]


def test_a_routed_case_gets_no_consultation(cast):
    report = f.routed(cast)
    response = api(cast.duty).post(open_url(report), payload(cast), format="json")
    assert response.status_code == 409


def test_views_and_conclusion_refusals(cast):
    report = f.escalated(cast)
    opinion = f"/api/v1/reports/{report.pk}/consultations/opinion/"
    conclude = f"/api/v1/reports/{report.pk}/consultations/conclude/"
    # nothing open: 409
    assert api(cast.duty).post(conclude, {"conclusion": "x"}, format="json").status_code == 409
    open_on(cast, report, units=[cast.other_unit])
    # not invited but sees the case (the lead's liaison sees nothing yet; a leader does): 403
    other_leader = cast.city.city_user("leader", username="leader2")
    assert api(other_leader).post(opinion, {"text": "x"}, format="json").status_code == 403
    # not invited and not seeing the case: 404
    assert api(cast.co_liaison).post(opinion, {"text": "x"}, format="json").status_code == 404
    # empty: 400
    response = api(cast.other_liaison).post(opinion, {"text": ""}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]
    response = api(cast.other_liaison).post(opinion, {"text": "同意"}, format="json")
    assert response.status_code == 201
    assert [o["text"] for o in response.json()[0]["opinions"]] == ["同意"]
    # twice: 409
    assert api(cast.other_liaison).post(opinion, {"text": "再说"}, format="json").status_code == 409
    # the invitee may not conclude
    assert (
        api(cast.other_liaison).post(conclude, {"conclusion": "x"}, format="json").status_code
        == 403
    )
    assert api(cast.duty).post(conclude, {"conclusion": ""}, format="json").status_code == 400
    response = api(cast.duty).post(conclude, {"conclusion": "结论"}, format="json")
    assert response.status_code == 200
    assert response.json()[0]["state"] == "concluded"
    # concluded: the unit reads no more
    listing = f"/api/v1/reports/{report.pk}/consultations/"
    assert api(cast.other_liaison).get(listing).status_code == 404
    assert api(cast.reporter).get(listing).status_code == 403  # people of grid points: no


def test_the_api_is_in_the_schema(cast):
    schema = api(cast.duty).get("/api/schema/", {"format": "json"}).json()
    for name in ("", "open/", "opinion/", "conclude/"):
        assert f"/api/v1/reports/{{id}}/consultations/{name}" in schema["paths"]


# --- the case page ------------------------------------------------------------------------------


def case_url(report):
    return reverse("report-detail", args=[report.pk])


def test_the_officer_opens_and_concludes_from_the_case_page(client, cast):
    report = f.escalated(cast)
    client.force_login(cast.duty)
    html = client.get(case_url(report)).content.decode()
    assert 'data-testid="open-form"' in html
    step = reverse("consultation-step", args=[report.pk, "open"])
    due = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    # a bad deadline: the page again, 400, the question kept
    response = client.post(
        step,
        {
            "consult-open-question": "请研判",
            "consult-open-due_at": "",
            "consult-open-units": [cast.other_unit.pk],
        },
    )
    assert response.status_code == 400
    assert "请研判" in response.content.decode()
    response = client.post(
        step,
        {
            "consult-open-question": "请研判",
            "consult-open-due_at": due,
            "consult-open-units": [cast.other_unit.pk],
        },
    )
    assert response.status_code == 302
    # twice: 409 with why, and what was typed kept
    response = client.post(
        step,
        {
            "consult-open-question": "再问一次",
            "consult-open-due_at": due,
            "consult-open-units": [cast.other_unit.pk],
        },
    )
    assert response.status_code == 409
    # the invitee sees the case and the form for their view
    client.force_login(cast.other_liaison)
    html = client.get(case_url(report)).content.decode()
    assert 'data-testid="opinion-form"' in html
    assert 'data-testid="open-form"' not in html
    response = client.post(
        reverse("consultation-step", args=[report.pk, "opinion"]),
        {"consult-opinion-text": "建议由住建局牵头"},
    )
    assert response.status_code == 302
    # the officer's part shows the view and the conclusion form; the htmx part alone too
    client.force_login(cast.duty)
    part = client.get(reverse("consultation-part", args=[report.pk])).content.decode()
    assert "建议由住建局牵头" in part
    assert 'data-testid="conclude-form"' in part
    response = client.post(
        reverse("consultation-step", args=[report.pk, "conclude"]),
        {"consult-conclude-conclusion": "住建局牵头"},
    )
    assert response.status_code == 302
    # the unit is taken back home after the conclusion; the case is no longer theirs to read
    client.force_login(cast.other_liaison)
    assert client.get(case_url(report)).status_code == 404
