"""The dispatch API's lists: the city duty console and a unit's inbox (scoped, filtered,
paginated, a bounded number of queries whatever the page size), notices, major cases, schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.models import Assignment
from dispatch.tests import factories as f
from dispatch.tests.factories import api
from grid.models import AccessKind, AccessRecord
from reports.services import report_transition

pytestmark = pytest.mark.django_db

CONSOLE = "/api/v1/dispatch/console/"
INBOX = "/api/v1/dispatch/inbox/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


# --- the console -----------------------------------------------------------------------------


def test_the_console_lists_the_citys_escalated_cases_with_their_age(cast):
    then = timezone.now() - timedelta(hours=5)
    waiting = f.escalated(cast, now=then)
    routed = f.routed(cast)
    f.submit(cast.reporter)  # still with the county: not the console's
    body = api(cast.duty).get(CONSOLE).json()
    assert [r["id"] for r in body["results"]] == [waiting.pk]
    row = body["results"][0]
    assert row["case_number"] == waiting.case_number
    assert row["status"] == "escalated"
    assert 5 * 3600 <= row["waiting_seconds"] < 5 * 3600 + 120
    assert row["routing"] is None
    assert row["last_bounce"] is None
    assert ids(api(cast.duty).get(CONSOLE, {"tab": "routed"})) == [routed.pk]
    routed_row = api(cast.duty).get(CONSOLE, {"tab": "routed"}).json()["results"][0]
    assert routed_row["routing"]["lead_unit"] == {
        "id": cast.lead_unit.pk,
        "name": cast.lead_unit.name,
    }
    assert routed_row["routing"]["reply_state"] == "none"


def test_a_bounced_case_is_marked_with_the_units_reason(cast):
    report = f.routed(cast)
    report_transition(
        report_id=report.pk, by=cast.liaison, name="bounce", data={"reason": "非我局职责"}
    )
    other = f.escalated(cast)
    assert set(ids(api(cast.duty).get(CONSOLE))) == {report.pk, other.pk}
    assert ids(api(cast.duty).get(CONSOLE, {"tab": "bounced"})) == [report.pk]
    row = api(cast.duty).get(CONSOLE, {"tab": "bounced"}).json()["results"][0]
    assert row["last_bounce"]["reason"] == "非我局职责"
    assert row["last_bounce"]["unit"]["id"] == cast.lead_unit.pk
    assert row["last_bounce"]["number"] == 1


def test_the_review_tab_holds_routed_cases_whose_reply_awaits_review(cast):
    waiting = f.replied(cast)
    f.claimed(cast)
    approved = f.approved(cast)
    assert ids(api(cast.duty).get(CONSOLE, {"tab": "review"})) == [waiting.pk]
    services.reply_review(report_id=waiting.pk, by=cast.duty, decision="send_back", comment="改")
    assert ids(api(cast.duty).get(CONSOLE, {"tab": "review"})) == []
    assert approved.pk in ids(api(cast.duty).get(CONSOLE, {"tab": "routed"}))


def test_the_console_takes_the_county_queues_filters(cast):
    rumour = f.escalated(cast, category="rumour", title="网传自来水污染")
    appeal = f.escalated(cast, category="appeal", title="小区停车难")
    assert ids(api(cast.duty).get(CONSOLE, {"category": "rumour"})) == [rumour.pk]
    assert ids(api(cast.duty).get(CONSOLE, {"q": "停车"})) == [appeal.pk]
    assert ids(api(cast.duty).get(CONSOLE, {"sort": "oldest"})) == [rumour.pk, appeal.pk]
    township = cast.city.townships[0].code
    assert set(ids(api(cast.duty).get(CONSOLE, {"township": township}))) == {rumour.pk, appeal.pk}
    response = api(cast.duty).get(CONSOLE, {"tab": "nope", "category": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"tab", "category"}


def test_overdue_in_the_console_means_a_routing_past_its_reply(cast):
    late = f.routed(cast, now=timezone.now() - timedelta(days=20))
    f.routed(cast)
    assert ids(api(cast.duty).get(CONSOLE, {"tab": "routed", "overdue": "true"})) == [late.pk]


def test_only_duty_officers_work_the_console(cast):
    for user in (cast.admin, cast.liaison, cast.reporter, cast.leader):
        assert api(user).get(CONSOLE).status_code == 403
    assert AccessRecord.objects.filter(kind=AccessKind.CASE_LIST, allowed=False).exists()


def test_the_console_is_scoped_to_the_duty_officers_city(cast, other_city):
    f.escalated(cast)
    stranger = other_city.city_user()
    assert ids(api(stranger).get(CONSOLE)) == []


@pytest.mark.parametrize("tab", ["escalated", "bounced", "review", "routed"])
def test_the_console_reads_a_bounded_number_of_queries_whatever_the_page_size(
    cast, tab, django_assert_num_queries
):
    for _ in range(3):
        report = f.replied(cast)
        report_transition(report_id=report.pk, by=cast.liaison, name="bounce", data={"reason": "x"})
        f.replied(cast)
    client = api(cast.duty)
    # the token with its person, the page, its count, the routings of its rows, the access log
    for size in (1, 50):
        with django_assert_num_queries(5):
            response = client.get(CONSOLE, {"tab": tab, "page_size": size})
        assert response.status_code == 200
        assert response.json()["count"] == 3


# --- the inbox -------------------------------------------------------------------------------


def test_the_inbox_lists_what_the_unit_leads_or_co_handles_next_deadline_first(cast):
    now = timezone.now()
    older = f.routed(cast, now=now - timedelta(days=2))
    newer = f.routed(cast)
    elsewhere = f.routed(cast, co=False, lead_unit=cast.other_unit.pk)
    assert ids(api(cast.liaison).get(INBOX)) == list(_handler_ids(cast.lead_unit, older, newer))
    rows = api(cast.co_liaison).get(INBOX).json()["results"]
    assert [(r["case"]["id"], r["role"]) for r in rows] == [(older.pk, "co"), (newer.pk, "co")]
    assert rows[0]["clock"] in ("amber", "red")
    assert rows[1]["clock"] == "ok"
    assert rows[0]["due_at"] < rows[1]["due_at"]
    assert elsewhere.pk not in [
        r["case"]["id"] for r in api(cast.liaison).get(INBOX).json()["results"]
    ]


def test_the_inbox_order_follows_the_claim_then_the_reply_and_its_extension(cast):
    """The next deadline is stored on the unit's handler (the inbox reads it from an index):
    the claim's until the unit claims, then the reply's, moved by an approved extension."""
    from dispatch.models import Handler, handlers_set_due

    monday = timezone.make_aware(timezone.datetime(2026, 11, 16, 10, 0))
    first = f.routed(cast, now=monday, co=False)
    second = f.routed(cast, now=monday + timedelta(hours=1), co=False)
    routing = {r.pk: Assignment.objects.get(report=r) for r in (first, second)}
    handler = {r.pk: Handler.objects.get(report=r) for r in (first, second)}
    assert handler[first.pk].due_at == routing[first.pk].claim_due_at
    assert ids(api(cast.liaison).get(INBOX)) == [handler[first.pk].pk, handler[second.pk].pk]
    # Claimed: the first case is due by its reply now, days later than the second's claim.
    services.assignment_claim(report_id=first.pk, by=cast.liaison, now=monday)
    handler[first.pk].refresh_from_db()
    assert handler[first.pk].due_at == routing[first.pk].reply_due_at
    assert ids(api(cast.liaison).get(INBOX)) == [handler[second.pk].pk, handler[first.pk].pk]
    # An extension moves the claimed unit's deadline with the reply's.
    services.extension_request(
        report_id=first.pk, by=cast.liaison, days=1, reason="需会商", now=monday
    )
    services.extension_decide(report_id=first.pk, by=cast.duty, decision="approve", now=monday)
    routing[first.pk].refresh_from_db()
    handler[first.pk].refresh_from_db()
    assert handler[first.pk].due_at == routing[first.pk].reply_due_at
    # Writers of many handlers at once set the same deadlines in one UPDATE.
    Handler.objects.update(due_at=None)
    handlers_set_due(Handler.objects.all())
    assert {h.pk: h.due_at for h in Handler.objects.all()} == {
        handler[first.pk].pk: routing[first.pk].reply_due_at,
        handler[second.pk].pk: routing[second.pk].claim_due_at,
    }


def _handler_ids(unit, *reports) -> list[int]:
    from dispatch.models import Handler

    return [Handler.objects.get(report=r, unit=unit).pk for r in reports]


def test_the_inbox_filters_to_claim_to_answer_sent_back_review_and_overdue(cast):
    now = timezone.now()
    to_claim = f.routed(cast)
    to_answer = f.claimed(cast)
    in_review = f.replied(cast)
    sent_back = f.replied(cast)
    services.reply_review(report_id=sent_back.pk, by=cast.duty, decision="send_back", comment="改")
    overdue = f.claimed(cast, now=now - timedelta(days=20))

    def cases(state):
        response = api(cast.liaison).get(INBOX, {"state": state})
        assert response.status_code == 200, response.json()
        return {r["case"]["id"] for r in response.json()["results"]}

    assert cases("to_claim") == {to_claim.pk}
    assert cases("to_answer") == {to_answer.pk, sent_back.pk, overdue.pk}
    assert cases("sent_back") == {sent_back.pk}
    assert cases("awaiting_review") == {in_review.pk}
    assert cases("overdue") == {overdue.pk}
    # The co-handler has claimed nothing: every case is its to claim, none to answer.
    co = api(cast.co_liaison).get(INBOX, {"state": "to_answer", "role": "co"}).json()
    assert co["results"] == []
    assert api(cast.liaison).get(INBOX, {"state": "nope"}).status_code == 400


def test_a_closed_or_bounced_case_leaves_the_inbox(cast):
    closed = f.approved(cast)
    report_transition(report_id=closed.pk, by=cast.liaison, name="close", data=f.CLOSE)
    bounced = f.routed(cast)
    report_transition(report_id=bounced.pk, by=cast.liaison, name="bounce", data={"reason": "x"})
    assert api(cast.liaison).get(INBOX).json()["results"] == []


def test_only_unit_liaisons_have_an_inbox(cast):
    for user in (cast.duty, cast.admin, cast.reporter):
        assert api(user).get(INBOX).status_code == 403


def test_the_inbox_reads_a_bounded_number_of_queries_whatever_the_page_size(
    cast, django_assert_num_queries
):
    for _ in range(4):
        f.claimed(cast)
    client = api(cast.liaison)
    for size in (1, 50):
        with django_assert_num_queries(4):  # the token with its person, page, count, the log
            response = client.get(INBOX, {"page_size": size})
        assert response.status_code == 200
        assert response.json()["count"] == 4


# --- one case, notices, major cases ----------------------------------------------------------


def test_a_cases_routings_read_in_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    report = f.replied(cast)
    services.extension_request(report_id=report.pk, by=cast.liaison, days=1, reason="x")
    client = api(cast.duty)
    with django_assert_max_num_queries(16):
        body = client.get(f"/api/v1/reports/{report.pk}/dispatch/").json()
    (routing,) = body["routings"]
    assert [h["role"] for h in routing["handlers"]] == ["co", "lead"]
    assert [r["state"] for r in routing["replies"]] == ["pending"]
    assert [e["state"] for e in routing["extensions"]] == ["pending"]
    assert {c["kind"] for c in routing["clocks"]} == {"claim", "reply"}
    assert {a["name"] for a in body["available_actions"]} == {"review_reply", "decide_extension"}


def test_notices_are_read_by_their_unit_and_the_citys_staff(cast):
    then = timezone.now() - timedelta(days=30)
    report = f.routed(cast, now=then)
    services.clocks_sweep(now=timezone.now())
    mine = api(cast.liaison).get("/api/v1/dispatch/notices/").json()["results"]
    assert {n["unit"]["id"] for n in mine} == {cast.lead_unit.pk}
    co = api(cast.co_liaison).get("/api/v1/dispatch/notices/").json()["results"]
    assert {n["unit"]["id"] for n in co} == {cast.co_unit.pk}  # its own late claim
    assert len(api(cast.duty).get("/api/v1/dispatch/notices/").json()["results"]) == len(
        mine
    ) + len(co)
    assert api(cast.reporter).get("/api/v1/dispatch/notices/").json()["results"] == []
    notice = mine[0]
    assert notice["case"]["id"] == report.pk
    assert api(cast.liaison).get(f"/api/v1/dispatch/notices/{notice['id']}/").status_code == 200
    assert (
        api(cast.other_liaison).get(f"/api/v1/dispatch/notices/{notice['id']}/").status_code == 404
    )
    # The unit explains: it names the notice when it has several.
    response = api(cast.liaison).post(
        f"/api/v1/reports/{report.pk}/dispatch/explain/", {"text": "已说明"}, format="json"
    )
    if len(mine) > 1:
        assert set(response.json()["errors"]) == {"notice"}
        response = api(cast.liaison).post(
            f"/api/v1/reports/{report.pk}/dispatch/explain/",
            {"text": "已说明", "notice": notice["id"]},
            format="json",
        )
    assert response.status_code == 200, response.json()


def test_major_cases_to_acknowledge(cast):
    report = f.routed(cast, grade="major")
    body = api(cast.leader).get("/api/v1/dispatch/major-cases/").json()
    assert [r["case"]["case_number"] for r in body["results"]] == [report.case_number]
    api(cast.leader).post(
        f"/api/v1/reports/{report.pk}/dispatch/acknowledge_major/", {}, format="json"
    )
    assert api(cast.leader).get("/api/v1/dispatch/major-cases/").json()["results"] == []
    assert api(cast.liaison).get("/api/v1/dispatch/major-cases/").json()["results"] == []


def test_the_schema_lists_every_dispatch_endpoint_with_the_extended_route_payload(cast):
    from dispatch.workflow import ACTIONS

    schema = api().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (CONSOLE, INBOX, "/api/v1/dispatch/notices/", "/api/v1/dispatch/major-cases/"):
        assert "get" in paths[path]
    for name in ACTIONS:
        assert "post" in paths[f"/api/v1/reports/{{id}}/dispatch/{name}/"], name
    console_params = {p["name"] for p in paths[CONSOLE]["get"]["parameters"]}
    assert {
        "tab",
        "status",
        "category",
        "grade",
        "township",
        "q",
        "overdue",
        "sort",
    } <= console_params
    inbox_params = {p["name"] for p in paths[INBOX]["get"]["parameters"]}
    assert {"state", "role", "grade", "q", "sort", "page", "page_size"} <= inbox_params
    route = schema["components"]["schemas"]["RoutePayloadRequest"]["properties"]
    assert {"co_units", "reply_due_at", "lead_unit", "grade", "instruction"} <= set(route)
    close = schema["components"]["schemas"]["ClosePayloadRequest"]["properties"]
    assert {"answered_via", "answered_where", "return_visit", "satisfaction"} <= set(close)
    assert Assignment.objects.count() == 0
