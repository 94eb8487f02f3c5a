"""Dispatch's pages: the duty console, the unit's inbox and home page, the case page's routing,
clocks and actions, route with dispatch's payload, the major-case banner and the printable
supervision notice."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from dispatch import services
from dispatch.deadlines import routing_deadlines
from dispatch.models import (
    Assignment,
    AssignmentState,
    Handler,
    MajorAcknowledgement,
    ReplyState,
    SupervisionNotice,
)
from dispatch.selectors import case_last_step_for
from dispatch.tests import factories as f
from grid.models import AccessRecord, CalendarYear, Role
from grid.workdays import ASSUMED_WEEKDAYS_NOTE
from reports.models import Report, Status
from reports.services import report_transition

pytestmark = pytest.mark.django_db

CONSOLE = reverse("dispatch-console")
INBOX = reverse("dispatch-inbox")


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Assert on the English msgids, whatever translations exist by then."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def case_url(report: Report) -> str:
    return reverse("report-detail", args=[report.pk])


def action_url(report: Report, name: str) -> str:
    return reverse("dispatch-case-action", args=[report.pk, name])


def seen(report: Report) -> str:
    """The step a form drawn now was decided on (the case page's hidden field)."""
    step = case_last_step_for(report_id=report.pk)
    return "" if step is None else str(step)


def post_action(client, report: Report, name: str, data: dict | None = None, **kwargs):
    payload = {f"{name}-{key}": value for key, value in (data or {}).items()}
    payload.setdefault(f"{name}-seen_step", seen(report))
    return client.post(action_url(report, name), payload, **kwargs)


def numbers(html: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', html)


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : start + 20000]


# --- the duty console ------------------------------------------------------------------------


def test_the_console_is_for_duty_officers(client, cast):
    for person in (cast.liaison, cast.admin, cast.leader, cast.reporter):
        client.force_login(person)
        assert client.get(CONSOLE).status_code == 403
    client.logout()
    assert client.get(CONSOLE).status_code == 302  # to the log-in page


def test_console_tabs_escalated_bounced_review_and_routed(client, cast):
    waiting = f.escalated(cast, title="待转办事项")
    bounced = f.routed(cast, co=False)
    report_transition(
        report_id=bounced.pk,
        by=cast.liaison,
        name="bounce",
        data={"reason": "不属我局职责，应由市场监管部门办理"},
    )
    reviewed = f.replied(cast)
    running = f.claimed(cast)
    client.force_login(cast.duty)

    html = client.get(CONSOLE).content.decode()
    assert sorted(numbers(html)) == sorted([waiting.case_number, bounced.case_number])
    row = html[html.index(f'data-case="{bounced.case_number}"') :]
    row = row[: row.index("</tr>")]
    assert "sent back" in row
    assert f"Sent back by {cast.lead_unit.name}" in row
    assert "不属我局职责，应由市场监管部门办理" in row
    assert "Since escalation" in html

    html = client.get(CONSOLE, {"tab": "bounced"}).content.decode()
    assert numbers(html) == [bounced.case_number]

    html = client.get(CONSOLE, {"tab": "review"}).content.decode()
    assert numbers(html) == [reviewed.case_number]
    assert "Awaiting review" in html
    assert "Paused while the reply awaits review" in html

    html = client.get(CONSOLE, {"tab": "routed"}).content.decode()
    assert sorted(numbers(html)) == sorted([reviewed.case_number, running.case_number])
    assert cast.lead_unit.name in html
    assert re.search(r"\d+\s(days?|hours?|minutes?)[^<]* left", html)


def test_console_filters_search_and_count(client, cast):
    a = f.escalated(cast, title="网传自来水停供", category="appeal")
    f.escalated(cast, title="短视频谣言", category="rumour")
    client.force_login(cast.duty)
    html = client.get(CONSOLE, {"q": "自来水"}).content.decode()
    assert numbers(html) == [a.case_number]
    assert "1 case" in html
    html = client.get(CONSOLE, {"category": "rumour"}).content.decode()
    assert len(numbers(html)) == 1
    assert a.case_number not in numbers(html)
    html = client.get(CONSOLE, {"q": a.case_number}).content.decode()
    assert numbers(html) == [a.case_number]


def test_console_htmx_gets_the_list_and_a_bad_filter_is_a_400_with_why(client, cast):
    f.escalated(cast)
    client.force_login(cast.duty)
    partial = client.get(CONSOLE, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.content.decode().startswith('<div id="queue-list"')
    bad = client.get(CONSOLE, {"tab": "sideways"})
    assert bad.status_code == 400
    assert "Unknown tab." in bad.content.decode()


@pytest.mark.parametrize("rows", [4, 30])
def test_console_query_count_is_pinned_whatever_the_page_size(
    client, cast, rows, django_assert_num_queries
):
    for i in range(rows):
        report = f.escalated(cast, title=f"事项{i}")
        if i % 3 == 0:
            f.route(cast, report, co_units=[cast.co_unit.pk])
            if i % 6 == 0:
                report_transition(
                    report_id=report.pk, by=cast.liaison, name="bounce", data={"reason": "非本单位"}
                )
    client.force_login(cast.duty)
    client.get(CONSOLE)
    # session, person with home node, count, page, its routings, the filter form's townships,
    # the major-case banner, the access record: 8 whatever the page holds (10 at most).
    for tab in ("escalated", "routed"):
        with django_assert_num_queries(8):
            response = client.get(CONSOLE, {"tab": tab})
        assert response.status_code == 200
    with django_assert_num_queries(6):  # the htmx list: no filter form, no banner
        client.get(CONSOLE, {"tab": "escalated"}, HTTP_HX_REQUEST="true")


def test_console_and_inbox_links_in_the_menu(client, cast):
    client.force_login(cast.duty)
    nav = client.get("/").content.decode()
    nav = nav[nav.index('<nav class="nav"') : nav.index("</nav>")]
    assert f'href="{CONSOLE}"' in nav
    assert f'href="{INBOX}"' not in nav
    # One entry: the console is the duty officers' queue, not a second one beside it.
    assert 'href="/reports/queue/"' not in nav
    assert "City duty queue" not in nav
    client.force_login(cast.liaison)
    nav = client.get(CONSOLE.replace("console", "inbox")).content.decode()
    nav = nav[nav.index('<nav class="nav"') : nav.index("</nav>")]
    assert f'<a href="{INBOX}" aria-current="page">Unit inbox</a>' in nav
    assert f'href="{CONSOLE}"' not in nav
    client.force_login(cast.admin)
    nav = client.get("/").content.decode()
    assert f'href="{CONSOLE}"' not in nav
    assert f'href="{INBOX}"' not in nav


def test_the_old_queue_address_leads_duty_officers_to_the_console(client, cast):
    escalated = f.escalated(cast)
    client.force_login(cast.duty)
    response = client.get("/reports/queue/", {"overdue": "1", "q": "塌陷"})
    assert response.status_code == 302
    assert response["Location"] == f"{CONSOLE}?overdue=1&q=%E5%A1%8C%E9%99%B7"
    # The home page's list leads to the console; "back" from a case leads there too.
    home = client.get("/").content.decode()
    worklist = home[home.index('data-testid="worklist"') :]
    assert f'class="rp-worklist-all" href="{CONSOLE}"' in worklist
    assert 'href="/reports/queue/' not in home
    case = client.get(f"/reports/{escalated.pk}/").content.decode()
    assert f'href="{CONSOLE}"' in case
    assert "Duty console" in case
    # County admins keep their queue.
    client.force_login(cast.admin)
    assert client.get("/reports/queue/").status_code == 200


# --- the unit's inbox and home page ----------------------------------------------------------


def test_the_inbox_lists_the_units_routings_as_lead_and_co_handler(client, cast):
    led = f.routed(cast)
    f.route(
        cast,
        co_handled := f.escalated(cast, title="协办事项"),
        lead_unit=cast.co_unit.pk,
        co_units=[cast.lead_unit.pk],
    )
    elsewhere = f.routed(cast, co=False, lead_unit=cast.other_unit.pk)
    client.force_login(cast.liaison)
    html = client.get(INBOX).content.decode()
    assert sorted(re.findall(r'data-testid="inbox-row"', html)) == ['data-testid="inbox-row"'] * 2
    assert led.case_number in html
    assert co_handled.case_number in html
    assert elsewhere.case_number not in html
    assert "Lead unit" in html
    assert "Co-handling unit" in html
    assert "Claim due" in html
    for person in (cast.duty, cast.admin, cast.reporter):
        client.force_login(person)
        assert client.get(INBOX).status_code == 403


def test_inbox_filters_to_claim_to_answer_sent_back_and_overdue(client, cast):
    fresh = f.routed(cast)
    claimed = f.claimed(cast)
    sent_back = f.replied(cast)
    services.reply_review(
        report_id=sent_back.pk, by=cast.duty, decision="send_back", comment="请补充整改措施"
    )
    late = f.routed(cast, now=timezone.now() - timedelta(days=20))
    client.force_login(cast.liaison)

    def listed(state):
        html = client.get(INBOX, {"state": state}).content.decode()
        return {n for n in (fresh, claimed, sent_back, late) if n.case_number in html}

    assert listed("to_claim") == {fresh, late}
    assert listed("to_answer") == {claimed, sent_back}
    assert listed("sent_back") == {sent_back}
    assert listed("overdue") == {late}
    html = client.get(INBOX, {"state": "overdue"}).content.decode()
    assert "rp-clock-red" in html
    assert "Overdue by" in html
    assert client.get(INBOX, {"state": "lost"}).status_code == 400


@pytest.mark.parametrize("rows", [2, 30])
def test_inbox_query_count_is_pinned(client, cast, rows, django_assert_num_queries):
    for i in range(rows):
        report = f.routed(cast)
        if i % 2:
            services.assignment_claim(report_id=report.pk, by=cast.liaison)
    client.force_login(cast.liaison)
    client.get(INBOX)
    # session, person with home node, their unit, count, page, the access record.
    with django_assert_num_queries(6):
        assert client.get(INBOX).status_code == 200
    with django_assert_num_queries(5):
        client.get(INBOX, HTTP_HX_REQUEST="true")


def test_the_liaisons_home_shows_the_inbox_with_reply_deadlines_not_the_county_clock(client, cast):
    report = f.claimed(cast)
    client.force_login(cast.liaison)
    html = client.get("/").content.decode()
    inbox = section(html, "unit-inbox")
    assert report.case_number in inbox
    assert "Reply due" in inbox
    assert 'data-testid="worklist"' not in html  # reports' list, with the 24-hour clock
    assert "since discovery" not in html
    counts = section(html, "inbox-counts")
    assert re.search(r'<span class="dp-n">0</span> to claim', counts)
    assert re.search(r'<span class="dp-n">1</span> to answer', counts)


def test_the_liaisons_home_also_lists_what_the_county_assigned_for_local_handling(
    client, cast, django_assert_num_queries, django_assert_max_num_queries
):
    township = next(u for u in cast.city.units if u.kind == "township")
    liaison = cast.liaison_of(township)

    def assign(n):
        for _i in range(n):
            report = f.submit(cast.reporter)
            report_transition(
                report_id=report.pk, by=cast.admin, name="accept_local", data={"unit": township.pk}
            )

    assign(1)
    client.force_login(liaison)
    client.get("/")
    with django_assert_max_num_queries(14) as few:
        client.get("/")
    few = len(few.captured_queries)
    assign(8)
    with django_assert_num_queries(few):  # the rows of those cases: one query, however many
        html = client.get("/").content.decode()
    listed = section(html, "local-handling")
    assert "Assigned by the county for local handling: 9 cases" in listed
    assert listed.count('class="rp-card"') == 6
    assert "No cases routed to your unit" in html


@pytest.mark.parametrize("rows", [1, 12])
def test_the_liaisons_home_query_count_does_not_grow(client, cast, rows, django_assert_num_queries):
    for _i in range(rows):
        f.routed(cast)
    client.force_login(cast.liaison)
    client.get("/")
    # the session, the person (and again as the home page reads them), the grid's four
    # counts, the inbox's counts and rows, the count of cases assigned by the county (in
    # place of reports' work list, which read three), the access record.
    with django_assert_num_queries(11):
        assert client.get("/").status_code == 200


# --- the case page: routing, clocks, actions ---------------------------------------------------


def test_the_case_page_shows_the_routing_its_units_instruction_and_clocks(client, cast):
    report = f.routed(cast, instruction="市领导批示：三日内办结")
    services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    services.assignment_contribute(report_id=report.pk, by=cast.co_liaison, text="已核查经营资质")
    client.force_login(cast.duty)
    html = client.get(case_url(report)).content.decode()
    routing = section(html, "routing")
    assert cast.lead_unit.name in section(html, "lead-unit")
    assert "Not claimed yet" in section(html, "lead-unit")
    co = section(html, "co-units")
    assert cast.co_unit.name in co
    assert "已核查经营资质" in co
    assert "市领导批示：三日内办结" in routing
    clocks = section(html, "clocks")
    assert f"Claim · {cast.lead_unit.name}" in clocks
    assert f"Reply · {cast.lead_unit.name}" in clocks
    assert "left" in clocks
    # An informant reads the steps in plain words, no routing.
    client.force_login(cast.reporter)
    assert 'data-testid="routing"' not in client.get(case_url(report)).content.decode()


def test_clocks_turn_amber_at_80_percent_and_red_when_overdue(client, cast):
    start = datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    with time_machine.travel(start, tick=False):
        report = f.routed(cast)
    assignment = Assignment.objects.get(report=report)
    span = assignment.claim_due_at - assignment.routed_at
    client.force_login(cast.duty)
    with time_machine.travel(assignment.routed_at + span * 0.5, tick=False):
        assert "rp-clock-ok" in section(client.get(case_url(report)).content.decode(), "clocks")
    with time_machine.travel(assignment.routed_at + span * 0.85, tick=False):
        clocks = section(client.get(case_url(report)).content.decode(), "clocks")
        assert "dp-clocks-amber" in clocks
    with time_machine.travel(assignment.claim_due_at + timedelta(hours=2), tick=False):
        clocks = section(client.get(case_url(report)).content.decode(), "clocks")
        assert "dp-clocks-red" in clocks
        assert "Overdue by 2" in clocks


def test_a_deadline_in_a_year_the_calendar_does_not_hold_says_it_counted_weekdays(client, cast):
    CalendarYear.objects.filter(year__gte=2027).delete()
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        report = f.routed(cast)
        client.force_login(cast.duty)
        html = client.get(case_url(report)).content.decode()
    assert escape(str(ASSUMED_WEEKDAYS_NOTE)) in section(html, "clocks")


def test_the_unit_claims_and_replies_from_the_case_page(client, cast):
    report = f.routed(cast)
    client.force_login(cast.liaison)
    html = client.get(case_url(report)).content.decode()
    actions = section(html, "dispatch-actions")
    assert re.search(r'<details class="rp-action rp-action-claim dp-action" open>', actions)
    assert f'name="claim-seen_step" value="{seen(report)}"' in actions

    response = post_action(client, report, "claim", {"note": "已签收"}, follow=True)
    assert response.status_code == 200
    assert "Done: Claim the case." in response.content.decode()
    assert Handler.objects.get(report=report, unit=cast.lead_unit).claimed_at is not None

    html = client.get(case_url(report)).content.decode()
    assert re.search(r'<details class="rp-action rp-action-reply dp-action" open>', html)
    post_action(
        client, report, "reply", {"disposal": "已现场核实整改", "citizen_text": "已整改完毕"}
    )
    assert Assignment.objects.get(report=report).reply_state == ReplyState.PENDING


def test_a_bad_payload_is_a_400_with_errors_beside_the_fields_and_nothing_typed_lost(client, cast):
    report = f.claimed(cast)
    client.force_login(cast.liaison)
    response = post_action(
        client, report, "reply", {"disposal": "已核实，正在整改", "citizen_text": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    form = section(html, "action-reply")
    assert "已核实，正在整改</textarea>" in form
    assert re.search(
        r'rp-has-error.*?id="id_reply-citizen_text".*?Write the reply to be published', form, re.S
    )
    assert re.search(r'<details class="rp-action rp-action-reply dp-action" open>', html)


def test_a_step_taken_meanwhile_is_a_409_that_keeps_what_was_typed(client, cast):
    report = f.replied(cast)
    client.force_login(cast.duty)
    drawn_after = seen(report)
    # Another officer sends the reply back; the unit revises it: a new reply awaits review.
    other = cast.city.city_user(Role.DUTY_OFFICER)
    services.reply_review(report_id=report.pk, by=other, decision="send_back", comment="补充")
    services.reply_submit(
        report_id=report.pk, by=cast.liaison, disposal="修订", citizen_text="修订稿"
    )
    response = post_action(
        client,
        report,
        "review_reply",
        {
            "decision": "approve",
            "published_via": "on_platform",
            "published_where": "留言板回复区",
            "seen_step": drawn_after,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else meanwhile" in html
    assert 'value="留言板回复区"' in html  # what was typed is still there
    assert f'name="review_reply-seen_step" value="{seen(report)}"' in html  # decide again
    assert Assignment.objects.get(report=report).reply_state == ReplyState.PENDING


def test_an_action_the_state_no_longer_allows_is_a_409_on_the_case_page(client, cast):
    report = f.claimed(cast)
    client.force_login(cast.liaison)
    response = post_action(client, report, "claim")
    assert response.status_code == 409
    assert "Your unit claimed this case at" in response.content.decode()


def test_who_may_not_gets_the_403_page_and_outside_the_jurisdiction_a_404(client, cast):
    report = f.routed(cast)
    services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    client.force_login(cast.co_liaison)
    response = post_action(client, report, "reply", {"disposal": "x", "citizen_text": "y"})
    assert response.status_code == 403
    client.force_login(cast.other_liaison)
    assert post_action(client, report, "claim").status_code == 404
    assert AccessRecord.objects.filter(allowed=False, kind="case_action").count() == 2


def test_the_officer_sends_back_then_approves_and_the_unit_closes_with_satisfaction(client, cast):
    report = f.replied(cast)
    client.force_login(cast.duty)
    html = client.get(case_url(report)).content.decode()
    assert "您反映的问题已整改完毕" in section(html, "reply-under-review")
    response = post_action(client, report, "review_reply", {"decision": "send_back"})
    assert response.status_code == 400
    assert "Say what the unit must change." in response.content.decode()
    post_action(client, report, "review_reply", {"decision": "send_back", "comment": "请写明时限"})

    client.force_login(cast.liaison)
    html = client.get(case_url(report)).content.decode()
    assert "请写明时限" in section(html, "replies")
    post_action(client, report, "reply", {"disposal": "已整改", "citizen_text": "已于本周整改完毕"})

    client.force_login(cast.duty)
    post_action(
        client,
        report,
        "review_reply",
        {"decision": "approve", "published_via": "on_platform", "published_where": "原帖评论区"},
    )
    assert Assignment.objects.get(report=report).reply_state == ReplyState.APPROVED

    client.force_login(cast.liaison)
    html = client.get(case_url(report)).content.decode()
    assert "The approved reply was published" in section(html, "close-help")
    response = client.post(
        reverse("report-transition", args=[report.pk, "close"]),
        {f"close-{k}": v for k, v in f.CLOSE.items()} | {"close-expected_status": "routed"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.satisfaction == "satisfied"


# --- route, with dispatch's payload ------------------------------------------------------------


def route_post(client, report, **data):
    payload = {"grade": "important", "lead_unit": "", "instruction": "", "reply_due_at": ""}
    payload.update(data)
    body = {f"route-{k}": v for k, v in payload.items() if not isinstance(v, list)}
    for key, values in payload.items():
        if isinstance(values, list):
            body[f"route-{key}"] = values
    body["route-expected_status"] = "escalated"
    return client.post(reverse("report-transition", args=[report.pk, "route"]), body)


def test_the_route_form_suggests_units_and_shows_the_grade_rules(client, cast):
    before = f.escalated(cast, category="appeal")
    f.route(cast, before)  # to the lead unit: this category, this county
    report = f.escalated(cast, category="appeal")
    client.force_login(cast.duty)
    html = client.get(case_url(report)).content.decode()
    route = html[html.index("rp-action-route") :]
    route = route[: route.index("</form>")]
    suggestions = section(route, "suggestions")
    assert re.search(rf'data-unit="{cast.lead_unit.pk}">{cast.lead_unit.name} ', suggestions)
    assert cast.county_platform.name in suggestions  # the county, for general cases
    assert cast.emergency.name in suggestions
    rules = section(route, "grade-rules")
    assert "the emergency command centre leads" in rules
    assert "every city leader and duty officer is notified at once" in rules
    assert "you may set an earlier one, never a later one" in rules
    assert 'id="id_route-co_units"' in route
    assert 'id="id_route-reply_due_at"' in route


def test_route_with_co_units_and_a_shorter_deadline_and_a_longer_one_refused(client, cast):
    report = f.escalated(cast)
    client.force_login(cast.duty)
    proposal = routing_deadlines(start=timezone.now(), grade="important").reply.at
    later = timezone.localtime(proposal + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = route_post(
        client, report, lead_unit=cast.lead_unit.pk, co_units=[cast.co_unit.pk], reply_due_at=later
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r"rp-has-error.*?id_route-reply_due_at.*?at the latest at", html, re.S)
    assert f'value="{cast.co_unit.pk}" selected' in html  # nothing chosen lost
    sooner = timezone.localtime(proposal - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = route_post(
        client, report, lead_unit=cast.lead_unit.pk, co_units=[cast.co_unit.pk], reply_due_at=sooner
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(report=report)
    assert timezone.localtime(assignment.reply_due_at).strftime("%Y-%m-%dT%H:%M") == sooner
    assert list(assignment.handlers.values_list("unit", flat=True).order_by("role")) == [
        cast.co_unit.pk,
        cast.lead_unit.pk,
    ]


def test_difficult_cases_go_to_the_emergency_command_centre(client, cast):
    report = f.escalated(cast)
    client.force_login(cast.duty)
    assert route_post(client, report, grade="difficult").status_code == 302
    assert Assignment.objects.get(report=report).lead_unit == cast.emergency


# --- the major-case banner ------------------------------------------------------------------


def test_a_major_case_banner_stays_on_every_page_until_acknowledged(client, cast):
    report = f.routed(cast, grade="major")
    client.force_login(cast.leader)
    for url in ("/", "/grid/", case_url(report)):
        html = client.get(url, follow=True).content.decode()
        assert f"{report.case_number}</span> {report.title}" in section(html, "major-banner")
    # One click, with htmx: the banner is drawn again without it.
    response = client.post(
        reverse("dispatch-acknowledge", args=[report.pk]), {"next": "/"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "No major case waits for you." in response.content.decode()
    assert MajorAcknowledgement.objects.get(report=report, person=cast.leader).acknowledged_at
    assert 'data-testid="major-banner"' not in client.get("/").content.decode()
    # Each person acknowledges for themselves: the duty officer still has it.
    client.force_login(cast.duty)
    assert 'data-testid="major-case"' in client.get("/").content.decode()
    response = client.post(reverse("dispatch-acknowledge", args=[report.pk]), {"next": "/grid/"})
    assert response.status_code == 302
    assert response["Location"] == "/grid/"
    # Acknowledged already: 409, the banner says why.
    again = client.post(reverse("dispatch-acknowledge", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "You acknowledged this case at" in again.content.decode()


def banner_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as page:
        assert client.get("/accounts/tokens/").status_code == 200
    return [q["sql"] for q in page.captured_queries if "majoracknowledgement" in q["sql"]]


def test_the_banner_costs_one_query_and_none_for_others(client, cast):
    f.routed(cast, grade="major")
    client.force_login(cast.leader)
    assert len(banner_queries(client)) == 1
    client.force_login(cast.admin)
    assert banner_queries(client) == []
    client.force_login(cast.liaison)
    assert banner_queries(client) == []


def test_an_open_redirect_is_refused_after_acknowledging(client, cast):
    report = f.routed(cast, grade="major")
    client.force_login(cast.leader)
    response = client.post(
        reverse("dispatch-acknowledge", args=[report.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == case_url(report)


# --- the supervision notice --------------------------------------------------------------------


@pytest.fixture
def supervised(cast):
    then = timezone.now() - timedelta(days=30)
    report = f.routed(cast, now=then, co=False)
    services.assignment_claim(report_id=report.pk, by=cast.liaison, now=then)
    services.clocks_sweep(now=timezone.now())
    return report, SupervisionNotice.objects.get(report=report)


def test_the_supervision_notice_is_a_printable_letter_linked_from_the_case(
    client, cast, supervised
):
    report, notice = supervised
    client.force_login(cast.liaison)
    html = client.get(case_url(report)).content.decode()
    url = reverse("dispatch-notice", args=[notice.pk])
    assert f'href="{url}" data-testid="notice-link">{notice.number}</a>' in html
    letter = client.get(url).content.decode()
    assert 'class="dp-print-page"' in letter
    assert notice.number in letter
    assert cast.lead_unit.name in letter
    assert report.case_number in letter
    assert report.title in letter
    assert "Reply" in section(letter, "missed")
    assert notice.demand.splitlines()[0] in letter
    assert "record a written explanation in the platform" in letter
    assert "data-print" in letter

    services.explanation_record(report_id=report.pk, by=cast.liaison, text="人手不足，已增派力量")
    assert "人手不足，已增派力量" in section(client.get(url).content.decode(), "explanation")


def test_the_notice_is_need_to_know(client, cast, supervised):
    _report, notice = supervised
    url = reverse("dispatch-notice", args=[notice.pk])
    for person in (cast.other_liaison, cast.reporter, cast.other_admin):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(cast.duty)
    assert client.get(url).status_code == 200
    assert AccessRecord.objects.filter(kind="case_read", allowed=False).count() == 3


def test_the_unit_gives_its_written_explanation_from_the_case_page(client, cast, supervised):
    report, notice = supervised
    client.force_login(cast.liaison)
    response = post_action(client, report, "explain", {"text": "系统故障导致延误，已恢复"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.explanation == "系统故障导致延误，已恢复"


def test_a_bounced_routing_is_listed_under_the_current_one(client, cast):
    report = f.routed(cast, co=False)
    report_transition(
        report_id=report.pk, by=cast.liaison, name="bounce", data={"reason": "非我局职责"}
    )
    f.route(cast, report, lead_unit=cast.other_unit.pk)
    client.force_login(cast.duty)
    html = client.get(case_url(report)).content.decode()
    earlier = section(html, "earlier-routing")
    assert cast.lead_unit.name in earlier
    assert "非我局职责" in earlier
    assert Assignment.objects.filter(report=report, state=AssignmentState.BOUNCED).count() == 1
