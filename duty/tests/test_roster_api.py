"""The duty API: scoped, paginated lists with pinned queries; actions answer 404, 409, 403,
400 in that order."""

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from duty.models import DutyShift, LogEntry
from duty.services import log_append, roster_generate
from duty.tests.helpers import DAY, at, put_on
from grid.tests.factories import api_token_for

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.fixture
def december(crew):
    roster_generate(
        by=crew.head,
        desk=crew.point,
        month=date(2026, 12, 1),
        people=[m.pk for m in crew.members],
        leaders=[crew.head.pk],
        now=at(date(2026, 11, 30), 8),
    )
    roster_generate(
        by=crew.admin,
        desk=crew.platform,
        month=date(2026, 12, 1),
        people=[o.pk for o in crew.officers],
        now=at(date(2026, 11, 30), 8),
    )


def test_days_are_scoped_paginated_and_cost_the_same_whatever_the_page(
    crew, december, django_assert_num_queries
):
    member = api(crew.members[0])
    body = member.get("/api/v1/duty/days/", {"page_size": 5}).json()
    assert body["count"] == 31  # their own point's only, not the platform's
    assert {row["desk"] for row in body["results"]} == {"grid_point"}
    assert api(crew.stranger).get("/api/v1/duty/days/").json()["count"] == 0
    admin = api(crew.admin)
    assert admin.get("/api/v1/duty/days/").json()["count"] == 62
    assert admin.get("/api/v1/duty/days/", {"unit": crew.platform.pk}).json()["count"] == 31
    assert admin.get("/api/v1/duty/days/", {"date_from": "2026-12-30"}).json()["count"] == 4
    for size in (5, 50):
        with django_assert_num_queries(5):  # token, count, page, people, absences
            assert admin.get("/api/v1/duty/days/", {"page_size": size}).status_code == 200
    assert admin.get("/api/v1/duty/days/", {"page": 0}).status_code == 404
    assert admin.get("/api/v1/duty/days/", {"date_from": "soon"}).status_code == 400


def test_mine_lists_the_days_i_am_on_or_lead(crew, december):
    body = api(crew.members[0]).get("/api/v1/duty/days/", {"mine": "true", "page_size": 50}).json()
    assert body["count"] == 11  # Dec 1, 4, … 31
    assert api(crew.head).get("/api/v1/duty/days/", {"mine": "true"}).json()["count"] == 31


def test_clock_in_answers_404_409_403_in_order(crew):
    day = put_on(crew, [crew.members[0]])
    shift = DutyShift.objects.get(day=day)
    url = f"/api/v1/duty/shifts/{shift.pk}/clock-in/"
    with time_machine.travel(at(DAY, 7), tick=False):
        assert api(crew.stranger).post(url).status_code == 404
        assert api(crew.members[1]).post(url).status_code == 409  # not open yet, before "not yours"
    with time_machine.travel(at(DAY, 8, 30), tick=False):
        assert api(crew.members[1]).post(url).status_code == 403
        ok = api(crew.members[0]).post(url)
        assert ok.status_code == 200
        assert ok.json()["clock_in"] == "on_time"
        assert api(crew.members[0]).post(url).json()["code"] == "duty_conflict"


def test_log_append_and_order_of_refusals(crew):
    day = put_on(crew, [crew.members[0]])
    url = f"/api/v1/duty/days/{day.pk}/log/"
    with time_machine.travel(at(DAY, 10), tick=False):
        assert api(crew.stranger).post(url, {"kind": "call", "text": "x"}).status_code == 404
        assert api(crew.members[1]).post(url, {"kind": "nope"}, format="json").status_code == 403
        bad = api(crew.members[0]).post(
            url, {"kind": "nope", "occurred_at": "yesterday", "corrects": "x"}, format="json"
        )
        assert bad.status_code == 400
        assert set(bad.json()["errors"]) == {"kind", "text", "occurred_at", "corrects"}
        ok = api(crew.members[0]).post(url, {"kind": "call", "text": "县里来电"}, format="json")
        assert ok.status_code == 201
        listed = api(crew.head).get(url).json()
    assert [row["text"] for row in listed["results"]] == ["县里来电"]
    assert api(crew.stranger).get(url).status_code == 404


def test_swap_by_api_request_then_approval(crew):
    day = put_on(crew, [crew.members[0]])
    shift = DutyShift.objects.get(day=day)
    with time_machine.travel(at(DAY, 7), tick=False):
        created = api(crew.members[0]).post(
            "/api/v1/duty/swaps/",
            {"shift": shift.pk, "colleague": crew.members[1].pk, "reason": "发烧"},
            format="json",
        )
        assert created.status_code == 201
        swap_id = created.json()["id"]
        assert (
            api(crew.members[0])
            .post(f"/api/v1/duty/swaps/{swap_id}/decide/", {"approve": True}, format="json")
            .status_code
            == 403
        )
        assert (
            api(crew.head)
            .post(f"/api/v1/duty/swaps/{swap_id}/decide/", {"approve": "maybe"}, format="json")
            .status_code
            == 400
        )
        decided = api(crew.head).post(
            f"/api/v1/duty/swaps/{swap_id}/decide/", {"approve": True}, format="json"
        )
        assert decided.json()["state"] == "approved"
        assert (
            api(crew.head)
            .post(f"/api/v1/duty/swaps/{swap_id}/decide/", {"approve": True}, format="json")
            .status_code
            == 409
        )
    assert DutyShift.objects.get(pk=shift.pk).person_id == crew.members[1].pk
    assert api(crew.head).get("/api/v1/duty/swaps/").json()["count"] == 1


def test_set_day_and_generate_by_api(crew):
    with time_machine.travel(at(date(2026, 11, 20), 10), tick=False):
        head = api(crew.head)
        made = head.post(
            "/api/v1/duty/days/",
            {
                "grid_point": crew.point.pk,
                "date": "2026-12-02",
                "people": [crew.members[1].pk],
                "leader": crew.head.pk,
            },
            format="json",
        )
        assert made.status_code == 200
        assert made.json()["shifts"][0]["person"]["id"] == crew.members[1].pk
        assert (
            head.post(
                "/api/v1/duty/days/",
                {"grid_point": crew.other_point.pk, "date": "2026-12-02", "people": []},
                format="json",
            ).status_code
            == 404
        )
        assert (
            head.post(
                "/api/v1/duty/days/",
                {"grid_point": crew.point.pk, "date": "2026-11-01", "people": []},
                format="json",
            ).status_code
            == 409
        )
        assert (
            api(crew.members[0])
            .post(
                "/api/v1/duty/days/",
                {"grid_point": crew.point.pk, "date": "2026-12-02", "people": []},
                format="json",
            )
            .status_code
            == 403
        )
        assert (
            head.post(
                "/api/v1/duty/days/",
                {"grid_point": crew.point.pk, "date": "2026-12-02", "people": "x"},
                format="json",
            ).status_code
            == 400
        )
        generated = api(crew.admin).post(
            "/api/v1/duty/rosters/generate/",
            {"unit": crew.platform.pk, "month": "2026-12", "people": [o.pk for o in crew.officers]},
            format="json",
        )
        assert generated.json() == {"written": 31}
        assert (
            api(crew.admin)
            .post(
                "/api/v1/duty/rosters/generate/",
                {"unit": crew.platform.pk, "month": "12/2026", "people": []},
                format="json",
            )
            .status_code
            == 400
        )


def test_absence_by_api(crew):
    day = put_on(crew, [crew.members[0]])
    shift = DutyShift.objects.get(day=day)
    with time_machine.travel(at(DAY, 11), tick=False):
        made = api(crew.members[0]).post(
            f"/api/v1/duty/shifts/{shift.pk}/absences/",
            {"reason": "取快递", "whereabouts": "楼下"},
            format="json",
        )
        assert made.status_code == 201
        ended = api(crew.members[0]).post(f"/api/v1/duty/absences/{made.json()['id']}/end/")
        assert ended.json()["ended_at"] is not None


def test_log_list_query_count_is_fixed(crew, django_assert_num_queries):
    day = put_on(crew, [crew.members[0]])
    for n in range(5):
        log_append(
            by=crew.members[0], day_id=day.pk, kind="action", text=f"第{n}条", now=at(DAY, 10, n)
        )
    client = api(crew.head)
    with django_assert_num_queries(4):  # token, day, count, page
        assert client.get(f"/api/v1/duty/days/{day.pk}/log/").json()["count"] == 5
    assert LogEntry.objects.count() == 5
