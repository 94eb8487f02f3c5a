"""Every dispatch action answers as reports' transitions do: 404, then 409 (before the
payload), then 403, then 400; each writes one event on the case's timeline with its unit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.models import (
    Assignment,
    AssignmentState,
    ClockKind,
    Extension,
    ExtensionState,
    Handler,
    MajorAcknowledgement,
    Reply,
    ReplyState,
    SupervisionNotice,
)
from dispatch.tests import factories as f
from dispatch.tests.factories import Cast, api
from dispatch.workflow import ACTIONS
from notifications.models import Notification
from reports.models import Report, ReportEvent
from reports.services import report_transition

pytestmark = pytest.mark.django_db


def url(report: Report, name: str) -> str:
    return f"/api/v1/reports/{report.pk}/dispatch/{name}/"


# --- the states a case is brought to ---------------------------------------------------------


def _co_claimed(cast: Cast) -> Report:
    report = f.routed(cast)
    services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    return report


def _extension_requested(cast: Cast) -> Report:
    report = f.claimed(cast)
    services.extension_request(report_id=report.pk, by=cast.liaison, days=1, reason="需协调多部门")
    return report


def _major(cast: Cast) -> Report:
    return f.routed(cast, grade="major")


def _supervised(cast: Cast) -> Report:
    """Routed a month ago, claimed by both units, the reply never came: the sweep has issued
    a supervision notice to the lead unit."""
    then = timezone.now() - timedelta(days=30)
    report = f.routed(cast, now=then)
    for liaison in (cast.liaison, cast.co_liaison):
        services.assignment_claim(report_id=report.pk, by=liaison, now=then)
    services.clocks_sweep(now=timezone.now())
    assert SupervisionNotice.objects.filter(report=report, unit=cast.lead_unit).exists()
    return report


def _closed(cast: Cast) -> Report:
    report = f.approved(cast)
    report_transition(report_id=report.pk, by=cast.liaison, name="close", data=f.CLOSE)
    return report


STATES: dict[str, Callable[[Cast], Report]] = {
    "closed": _closed,
    "escalated": f.escalated,
    "routed": f.routed,
    "claimed": f.claimed,
    "co_claimed": _co_claimed,
    "replied": f.replied,
    "approved": f.approved,
    "extension_requested": _extension_requested,
    "major": _major,
    "supervised": _supervised,
}


@dataclass(frozen=True)
class Row:
    """One action: where it applies, who may, a valid payload, how it is refused."""

    state: str
    actor: str
    payload: dict
    forbidden: str  # sees the case in the right state but may not do this
    wrong_state: str
    bad: dict  # a payload that answers 400 …
    bad_fields: frozenset  # … naming these fields


MATRIX = {
    "claim": Row(
        "routed", "liaison", {"note": "已签收"}, "duty", "closed",
        {"note": "长" * 5000}, frozenset({"note"}),
    ),
    "contribute": Row(
        "co_claimed", "co_liaison", {"text": "我局已核查商户证照"}, "liaison", "closed",
        {}, frozenset({"text"}),
    ),
    "reply": Row(
        "claimed", "liaison", {"disposal": "已整改", "citizen_text": "已处理完毕"},
        "co_liaison", "replied", {}, frozenset({"disposal", "citizen_text"}),
    ),
    "review_reply": Row(
        "replied", "duty",
        {"decision": "approve", "published_via": "gov_board", "published_where": "市长信箱"},
        "liaison", "claimed", {"decision": "send_back"}, frozenset({"comment"}),
    ),
    "request_extension": Row(
        "claimed", "liaison", {"days": 1, "reason": "需协调"}, "co_liaison", "approved",
        {}, frozenset({"days", "reason"}),
    ),
    "decide_extension": Row(
        "extension_requested", "duty", {"decision": "approve"}, "liaison", "claimed",
        {"decision": "refuse"}, frozenset({"comment"}),
    ),
    "promise": Row(
        "claimed", "liaison", {"promised_on": "2099-01-01", "note": "年底前完成维修"},
        "co_liaison", "closed", {"promised_on": "2000-01-01"},
        frozenset({"promised_on", "note"}),
    ),
    "acknowledge_major": Row(
        "major", "leader", {}, "liaison", "routed", {}, frozenset(),
    ),
    "explain": Row(
        "supervised", "liaison", {"text": "因涉及多部门会商，已于今日答复"}, "duty", "claimed",
        {}, frozenset({"text"}),
    ),
}  # fmt: skip
NAMES = sorted(MATRIX)


def test_matrix_covers_every_action():
    assert set(MATRIX) == set(ACTIONS)


def _payload(row: Row) -> dict:
    payload = dict(row.payload)
    if "promised_on" in payload and payload["promised_on"].startswith("2099"):
        payload["promised_on"] = (timezone.localdate() + timedelta(days=30)).isoformat()
    return payload


@pytest.mark.parametrize("name", NAMES)
def test_outside_the_jurisdiction_is_404_before_anything(cast, name):
    row = MATRIX[name]
    report = STATES[row.wrong_state](cast)
    for outsider in (cast.other_admin, cast.far_liaison):
        response = api(outsider).post(url(report, name), {}, format="json")
        assert response.status_code == 404, response.json()
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("name", NAMES)
def test_wrong_state_is_409_even_with_a_bad_payload(cast, name):
    row = MATRIX[name]
    report = STATES[row.wrong_state](cast)
    before = ReportEvent.objects.filter(report=report).count()
    response = api(getattr(cast, row.actor)).post(url(report, name), row.bad, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["detail"]
    assert ReportEvent.objects.filter(report=report).count() == before


@pytest.mark.parametrize("name", NAMES)
def test_who_may_not_gets_403_even_with_a_bad_payload(cast, name):
    row = MATRIX[name]
    report = STATES[row.state](cast)
    user = getattr(cast, row.forbidden)
    assert api(user).get(f"/api/v1/reports/{report.pk}/").status_code == 200  # they see it
    for payload in (row.bad, _payload(row)):
        response = api(user).post(url(report, name), payload, format="json")
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("name", [n for n in NAMES if MATRIX[n].bad_fields])
def test_a_bad_payload_is_400_naming_the_fields(cast, name):
    row = MATRIX[name]
    report = STATES[row.state](cast)
    before = ReportEvent.objects.filter(report=report).count()
    response = api(getattr(cast, row.actor)).post(url(report, name), row.bad, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == row.bad_fields
    assert ReportEvent.objects.filter(report=report).count() == before


@pytest.mark.parametrize("name", NAMES)
def test_the_action_is_taken_and_is_a_step_on_the_timeline(cast, name):
    row = MATRIX[name]
    report = STATES[row.state](cast)
    user = getattr(cast, row.actor)
    before = ReportEvent.objects.filter(report=report).count()
    response = api(user).post(url(report, name), _payload(row), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["case_id"] == report.pk
    # Done once, unless it may be done again (more input, a new promise).
    again = name in {a["name"] for a in body["available_actions"]}
    assert again == (name in {"contribute", "promise"})
    events = list(ReportEvent.objects.filter(report=report).order_by("at", "pk"))
    assert len(events) == before + 1
    event = events[-1]
    assert event.actor == user
    assert event.internal
    assert event.source == event.target == Report.objects.get(pk=report.pk).status
    assert event.transition.startswith(name.split("_")[0]) or event.transition in (
        "reply_approved",
        "extension_approved",
    )
    if name != "acknowledge_major":
        assert event.unit is not None
    # ... and the case's history shows it, in its place, in words.
    history = api(cast.duty).get(f"/api/v1/reports/{report.pk}/").json()["history"]
    assert history[-1]["transition"] == event.transition
    assert history[-1]["transition_label"] != event.transition


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_case_is_404(cast, name):
    response = api(cast.duty).post(f"/api/v1/reports/999999/dispatch/{name}/", {}, format="json")
    assert response.status_code == 404


def test_an_unknown_action_is_404(cast):
    report = f.routed(cast)
    response = api(cast.liaison).post(url(report, "delete"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- claim and co-handling -------------------------------------------------------------------


def test_each_unit_claims_once_and_the_time_is_kept(cast):
    report = f.routed(cast)
    handler = services.assignment_claim(report_id=report.pk, by=cast.liaison, note="收到")
    assert handler.claimed_at is not None
    assert handler.claimed_by == cast.liaison
    response = api(cast.liaison).post(url(report, "claim"), {}, format="json")
    assert response.status_code == 409
    assert "claimed" in response.json()["detail"]
    # The co-handling unit claims its own part.
    services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    assert Handler.objects.filter(report=report, claimed_at__isnull=False).count() == 2
    # Every unit claimed: nobody may claim any more.
    response = api(cast.co_liaison).post(url(report, "claim"), {}, format="json")
    assert response.status_code == 409
    # The claim clocks stopped as met; the reply clock runs.
    assignment = Assignment.objects.get(report=report)
    kinds = dict(assignment.clocks.values_list("kind", "outcome"))
    assert kinds == {ClockKind.CLAIM: "met", ClockKind.REPLY: ""}


def test_only_the_lead_unit_replies_and_a_co_handler_adds_its_input(cast):
    report = f.routed(cast)
    services.assignment_claim(report_id=report.pk, by=cast.co_liaison)
    response = api(cast.co_liaison).post(
        url(report, "reply"), {"disposal": "x", "citizen_text": "y"}, format="json"
    )
    assert response.status_code == 403
    services.assignment_contribute(report_id=report.pk, by=cast.co_liaison, text="证照齐全")
    handler = Handler.objects.get(report=report, unit=cast.co_unit)
    assert handler.contribution == "证照齐全"
    # The lead unit is told of the input.
    assert Notification.objects.filter(recipient=cast.liaison, kind="dispatch_input").exists()
    # The lead unit replies only once it claimed the case.
    response = api(cast.liaison).post(
        url(report, "reply"), {"disposal": "x", "citizen_text": "y"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "Claim the case first."


# --- reply, review, revision -----------------------------------------------------------------


def test_a_reply_sent_back_is_revised_and_only_the_approved_one_is_published(cast):
    report = f.replied(cast)
    assert Notification.objects.filter(
        recipient=cast.duty, kind="dispatch_reply_submitted"
    ).exists()
    services.reply_review(
        report_id=report.pk, by=cast.duty, decision="send_back", comment="请补充整改照片说明"
    )
    assignment = Assignment.objects.get(report=report)
    assert assignment.reply_state == ReplyState.SENT_BACK
    assert assignment.published_at is None
    assert Notification.objects.filter(
        recipient=cast.liaison, kind="dispatch_reply_sent_back"
    ).exists()
    # The reply clock runs again while the unit revises.
    reply_clock = assignment.clocks.get(kind=ClockKind.REPLY)
    assert reply_clock.next_at is not None
    services.reply_submit(
        report_id=report.pk, by=cast.liaison, disposal="已整改并拍照", citizen_text="已整改完毕"
    )
    published = timezone.now() - timedelta(minutes=5)
    services.reply_review(
        report_id=report.pk,
        by=cast.duty,
        decision="approve",
        published_via="gov_board",
        published_where="市长信箱",
        published_at=published,
    )
    replies = list(Reply.objects.filter(report=report).order_by("number"))
    assert [(r.number, r.state) for r in replies] == [(1, "sent_back"), (2, "approved")]
    assert replies[0].review_comment == "请补充整改照片说明"
    assert (replies[1].published_via, replies[1].published_where) == ("gov_board", "市长信箱")
    assert replies[1].published_at == published
    assignment.refresh_from_db()
    assert assignment.reply_state == ReplyState.APPROVED
    assert assignment.published_at == published
    assert assignment.clocks.get(kind=ClockKind.REPLY).outcome == "met"
    steps = list(
        ReportEvent.objects.filter(report=report, internal=True)
        .exclude(transition__in=["escalate", "route"])
        .order_by("at", "pk")
        .values_list("transition", flat=True)
    )
    assert steps == ["claim", "reply", "reply_sent_back", "reply", "reply_approved"]


def test_a_reply_cannot_be_published_in_the_future(cast):
    report = f.replied(cast)
    response = api(cast.duty).post(
        url(report, "review_reply"),
        {
            "decision": "approve",
            "published_via": "sms",
            "published_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"published_at"}


# --- extensions ------------------------------------------------------------------------------


def test_an_extension_never_takes_the_reply_past_the_rules_maximum(cast):
    # Routed on a Monday: the reply is due in 3 working days (end of Thursday), at most 5
    # (end of the next Monday) with extensions.
    monday = timezone.make_aware(timezone.datetime(2026, 11, 16, 10, 0))
    report = f.claimed(cast, now=monday)
    assignment = Assignment.objects.get(report=report)
    thursday_end = timezone.make_aware(timezone.datetime(2026, 11, 20, 0, 0))
    monday_end = timezone.make_aware(timezone.datetime(2026, 11, 24, 0, 0))
    assert (assignment.reply_due_at, assignment.reply_max_due_at) == (thursday_end, monday_end)
    services.extension_request(
        report_id=report.pk, by=cast.liaison, days=5, reason="需多部门会商", now=monday
    )
    extension = services.extension_decide(
        report_id=report.pk, by=cast.duty, decision="approve", now=monday
    )
    # Asked for 5 more working days; given 2, up to the maximum of 5 in all.
    assert extension.state == ExtensionState.APPROVED
    assert (extension.old_due_at, extension.new_due_at) == (thursday_end, monday_end)
    assignment.refresh_from_db()
    assert assignment.reply_due_at == monday_end
    # The reply clock moved: the old one stopped as moved, a new one runs to the new deadline.
    clocks = list(assignment.clocks.filter(kind=ClockKind.REPLY).order_by("pk"))
    assert [(c.due_at, c.outcome) for c in clocks] == [(thursday_end, "moved"), (monday_end, "")]
    # At the maximum, no more time can be asked for.
    response = api(cast.liaison).post(
        url(report, "request_extension"), {"days": 1, "reason": "再延"}, format="json"
    )
    assert response.status_code == 409
    assert "latest the rule allows" in response.json()["detail"]
    event = ReportEvent.objects.filter(report=report, transition="extension_approved").get()
    assert event.data["new_due_at"] == monday_end.isoformat()


def test_an_extension_granted_shorter_than_asked_and_one_refused(cast):
    monday = timezone.make_aware(timezone.datetime(2026, 11, 16, 10, 0))
    report = f.claimed(cast, now=monday)
    services.extension_request(report_id=report.pk, by=cast.liaison, days=2, reason="x", now=monday)
    extension = services.extension_decide(
        report_id=report.pk, by=cast.duty, decision="approve", days=1, now=monday
    )
    assert extension.new_due_at == timezone.make_aware(timezone.datetime(2026, 11, 21, 0, 0))
    services.extension_request(report_id=report.pk, by=cast.liaison, days=1, reason="y", now=monday)
    refused = services.extension_decide(
        report_id=report.pk, by=cast.duty, decision="refuse", comment="时限内可办结", now=monday
    )
    assert refused.state == ExtensionState.REFUSED
    assert refused.new_due_at is None
    assert Extension.objects.filter(report=report).count() == 2
    assert Assignment.objects.get(report=report).reply_due_at == extension.new_due_at


# --- promise, major cases, explanations ------------------------------------------------------


def test_a_promise_is_tracked_like_a_deadline(cast):
    report = f.claimed(cast)
    day = timezone.localdate() + timedelta(days=10)
    assignment = services.promise_record(
        report_id=report.pk, by=cast.liaison, promised_on=day, note="完成路面修复"
    )
    assert timezone.localtime(assignment.promised_at).date() == day + timedelta(days=1)
    clock = assignment.clocks.get(kind=ClockKind.PROMISE, stopped_at__isnull=True)
    assert clock.due_at == assignment.promised_at
    assert clock.remind_at is not None
    assert clock.supervise_at > clock.due_at
    # A new promise moves the clock.
    services.promise_record(
        report_id=report.pk, by=cast.liaison, promised_on=day + timedelta(days=5), note="延后"
    )
    outcomes = list(
        assignment.clocks.filter(kind=ClockKind.PROMISE)
        .order_by("pk")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["moved", ""]


def test_every_city_leader_and_duty_officer_acknowledges_a_major_case(
    cast, django_assert_num_queries
):
    other_duty = cast.city.city_user()
    report = f.routed(cast, grade="major")
    asked = set(MajorAcknowledgement.objects.filter(report=report).values_list("person", flat=True))
    assert asked == {cast.duty.pk, cast.leader.pk, other_duty.pk}
    told = set(
        Notification.objects.filter(kind="dispatch_major_case").values_list("recipient", flat=True)
    )
    assert told == asked
    from dispatch.selectors import major_cases_unacknowledged_for

    with django_assert_num_queries(1):
        banner = list(major_cases_unacknowledged_for(user=cast.leader))
    assert [a.report.case_number for a in banner] == [report.case_number]
    services.major_case_acknowledge(report_id=report.pk, by=cast.leader)
    assert list(major_cases_unacknowledged_for(user=cast.leader)) == []
    assert len(major_cases_unacknowledged_for(user=cast.duty)) == 1
    response = api(cast.leader).post(url(report, "acknowledge_major"), {}, format="json")
    assert response.status_code == 409
    assert "acknowledged" in response.json()["detail"]


def test_a_written_explanation_answers_the_notice(cast):
    report = _supervised(cast)
    notice = SupervisionNotice.objects.get(report=report)
    assert notice.explanation == ""
    done = services.explanation_record(report_id=report.pk, by=cast.liaison, text="已说明")
    assert done.pk == notice.pk
    notice.refresh_from_db()
    assert (notice.explanation, notice.explained_by) == ("已说明", cast.liaison)
    assert Notification.objects.filter(recipient=cast.duty, kind="dispatch_explanation").exists()
    response = api(cast.liaison).post(url(report, "explain"), {"text": "再说明"}, format="json")
    assert response.status_code == 409


def test_available_actions_follow_the_work(cast):
    report = f.routed(cast)

    def offered(user):
        return [
            a["name"]
            for a in api(user)
            .get(f"/api/v1/reports/{report.pk}/dispatch/")
            .json()["available_actions"]
        ]

    assert offered(cast.liaison) == ["claim"]
    assert offered(cast.co_liaison) == ["claim"]
    assert offered(cast.duty) == []
    services.assignment_claim(report_id=report.pk, by=cast.liaison)
    assert offered(cast.liaison) == ["reply", "request_extension", "promise"]
    services.reply_submit(report_id=report.pk, by=cast.liaison, disposal="d", citizen_text="c")
    assert offered(cast.duty) == ["review_reply"]
    assert offered(cast.liaison) == ["request_extension", "promise"]


def test_an_informant_reads_no_routings(cast):
    report = f.routed(cast)
    response = api(cast.reporter).get(f"/api/v1/reports/{report.pk}/dispatch/")
    assert response.status_code == 403


def test_the_active_routing_is_unique(cast):
    report = f.routed(cast)
    assert Assignment.objects.filter(report=report, state=AssignmentState.ACTIVE).count() == 1


def _stages(cast: Cast):
    """A case at each point of its routing, as (name, report)."""
    monday = timezone.make_aware(timezone.datetime(2026, 11, 16, 10, 0))
    yield "escalated", f.escalated(cast)
    yield "routed", f.routed(cast, now=monday)
    asking = f.claimed(cast, now=monday)
    services.extension_request(
        report_id=asking.pk, by=cast.liaison, days=1, reason="需会商", now=monday
    )
    yield "extension asked", asking
    yield "replied", f.replied(cast, now=monday)
    yield "approved", f.approved(cast, now=monday)
    yield "major", f.routed(cast, now=monday, grade="major")
    bounced = f.routed(cast, now=monday, co=False)
    report_transition(
        report_id=bounced.pk, by=cast.liaison, name="bounce", data={"reason": "不属本单位职责"}
    )
    yield "bounced", bounced


def test_the_page_offers_the_actions_the_api_does_from_what_it_read(cast):
    """The case page passes the routings it read (``held``) instead of reading them again; what
    is offered is the same for every reader at every point of a case."""
    from dispatch.selectors import case_dispatch_for

    readers = [cast.duty, cast.leader, cast.admin, cast.liaison, cast.co_liaison]
    for stage, report in _stages(cast):
        for user in readers:
            if not Report.objects.visible_to(user).filter(pk=report.pk).exists():
                continue
            read = services.dispatch_available_actions(user=user, report=report)
            held = case_dispatch_for(user=user, report=report)
            if held is None:
                continue
            given = services.dispatch_available_actions(user=user, report=report, held=held)
            assert given == read, (stage, user.role)
