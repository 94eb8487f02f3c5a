"""Notices: the fan-out reaches exactly the chosen nodes' people, acknowledgement and report
are counted per node, the late ones are marked missed at the deadline once."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from directives.kinds import NOTICE_ACK, NOTICE_ISSUED, NOTICE_REPORT
from directives.models import NoticeRecipient
from directives.selectors import notice_tracking, notices_for
from directives.services import (
    NoticeConflict,
    notice_acknowledge,
    notice_issue,
    notice_remind,
    notice_report,
)
from directives.tests.conftest import NOW, deadlines
from duty.models import ExpectedSubmission, SubmissionStatus
from duty.services.expected import expected_sweep
from grid.models import GridPoint
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def issue(by, **kw):
    values = {"title": "关于加强网络舆情监测的通知", "body": "请各网格点加强监测。", **deadlines()}
    values.update(kw)
    return notice_issue(by=by, now=NOW, **values)


def test_a_notice_to_one_county_reaches_exactly_its_people(city, officer, people):
    informants, liaisons = people
    county = city.counties[0]
    GridPoint.objects.filter(pk=city.grid_points[3].pk).update(is_active=False)

    notice = issue(officer, regions=[county], units=[city.units[0]])

    # given county 0's four points, one inactive, plus the chosen unit: four nodes
    points = set(
        NoticeRecipient.objects.filter(notice=notice, grid_point__isnull=False).values_list(
            "grid_point", flat=True
        )
    )
    assert points == {p.pk for p in city.grid_points[:3]}
    assert notice.recipient_count == 4
    assert set(
        ExpectedSubmission.objects.filter(kind=NOTICE_ACK, subject_id=notice.pk).values_list(
            "owner_key", flat=True
        )
    ) == {f"g{p.pk}s{notice.pk}" for p in city.grid_points[:3]} | {
        f"u{city.units[0].pk}s{notice.pk}"
    }
    assert ExpectedSubmission.objects.filter(kind=NOTICE_REPORT, subject_id=notice.pk).count() == 4
    # then the informants of those points and the unit's liaison are told, nobody else
    told = set(Notification.objects.filter(kind=NOTICE_ISSUED).values_list("recipient", flat=True))
    assert told == {u.pk for u in informants[:6]} | {liaisons[0].pk}
    row = NoticeRecipient.objects.get(notice=notice, grid_point=city.grid_points[0])
    assert (row.region_path, row.county_id) == (city.villages[0].path, county.pk)
    # and the notice is in their inbox, not in the other county's
    assert list(notices_for(user=informants[0])) == [notice]
    assert list(notices_for(user=informants[-1])) == []


def test_the_fan_out_is_set_based(city, officer, people, django_assert_max_num_queries):
    # one query per table whatever the number of nodes (here 8 points + 2 units)
    with django_assert_max_num_queries(16):
        notice = issue(officer, regions=[city.city], units=city.units[:2])
    assert notice.recipient_count == 10


def test_a_county_admin_issues_within_the_county_only(city, people):
    admin = city.county_admin(0)
    with pytest.raises(ValidationError) as exc:
        issue(admin, regions=[city.counties[1]])
    assert "regions" in exc.value.message_dict
    assert issue(admin, regions=[city.townships[0]]).recipient_count == 2
    informant, _ = people
    with pytest.raises(PermissionDenied):
        issue(informant[0], regions=[city.townships[0]])


def test_bad_deadlines_are_refused_with_field_errors(city, officer):
    with pytest.raises(ValidationError) as exc:
        issue(officer, regions=[city.city], ack_due_at=NOW - timedelta(minutes=1))
    assert "ack_due_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        issue(officer, regions=[city.city], needs_ack=False, needs_report=False)
    assert "needs_ack" in exc.value.message_dict


def test_acknowledgement_and_report_are_counted_per_node(city, officer, people, told):
    informants, _ = people
    notice = issue(officer, regions=[city.counties[0]])
    later = NOW + timedelta(hours=1)

    # given two informants of the same point: the first acknowledges for the node
    notice_acknowledge(notice_id=notice.pk, by=informants[0], now=later)
    with pytest.raises(NoticeConflict):
        notice_acknowledge(notice_id=notice.pk, by=informants[1], now=later)
    # a second node reports without acknowledging first: that acknowledges it too
    notice_report(notice_id=notice.pk, by=informants[2], now=later, text="已落实")
    with pytest.raises(ValidationError):
        notice_report(notice_id=notice.pk, by=informants[0], now=later, text="  ")

    tracking = notice_tracking(notice=notice, now=later)
    assert (tracking.total, tracking.acknowledged, tracking.reported, tracking.late) == (4, 2, 1, 0)
    ack = ExpectedSubmission.objects.filter(kind=NOTICE_ACK, subject_id=notice.pk)
    assert ack.filter(status=SubmissionStatus.ON_TIME).count() == 2
    assert (
        ExpectedSubmission.objects.get(
            kind=NOTICE_REPORT, subject_id=notice.pk, grid_point=city.grid_points[1]
        ).status
        == SubmissionStatus.ON_TIME
    )
    assert told == []
    # someone outside the notice cannot acknowledge it (404, looks like no notice)
    from directives.selectors import NoticeNotFound

    with pytest.raises(NoticeNotFound):
        notice_acknowledge(notice_id=notice.pk, by=informants[-1], now=later)


def notice_missed(result):
    return [m for m in result.missed if m.kind in (NOTICE_ACK, NOTICE_REPORT)]


def test_the_late_are_marked_missed_at_the_deadline_once(city, officer, people, told):
    informants, _ = people
    notice = issue(officer, regions=[city.counties[0]])
    notice_acknowledge(notice_id=notice.pk, by=informants[0], now=NOW + timedelta(hours=1))
    ack_due = notice.ack_due_at

    # one second before the deadline nothing is missed
    with time_machine.travel(ack_due - timedelta(seconds=1), tick=False):
        assert notice_missed(expected_sweep()) == []
    # at the deadline, the three silent nodes; run twice: once
    with time_machine.travel(ack_due, tick=False):
        first = expected_sweep()
        second = expected_sweep()
    # (the sweep also misses the daily reports it creates: only the notice's rows matter here)
    assert sorted(m.grid_point_id for m in notice_missed(first)) == sorted(
        p.pk for p in city.grid_points[1:4]
    )
    assert notice_missed(second) == []
    missed_events = [e for e in told if e.kind == "notice_ack_missed"]
    assert len(missed_events) == 3
    assert {e.at for e in missed_events} == {ack_due}
    assert notice_tracking(notice=notice, now=ack_due).late == 3

    # a node acknowledging after the deadline is late, not missed
    late = ack_due + timedelta(minutes=5)
    notice_acknowledge(notice_id=notice.pk, by=informants[2], now=late)
    row = ExpectedSubmission.objects.get(
        kind=NOTICE_ACK, subject_id=notice.pk, grid_point=city.grid_points[1]
    )
    assert (row.status, row.settled_at) == (SubmissionStatus.LATE, late)
    tracking = notice_tracking(notice=notice, now=late)
    assert (tracking.acknowledged, tracking.acknowledged_late, tracking.late) == (2, 1, 2)


def test_reminders_go_to_the_late_nodes_people(city, officer, people):
    informants, _ = people
    notice = issue(officer, regions=[city.counties[0]])
    notice_acknowledge(notice_id=notice.pk, by=informants[0], now=NOW)
    # before any deadline nobody is late
    assert notice_remind(notice=notice, by=officer, now=NOW) == 0
    after = notice.ack_due_at + timedelta(minutes=1)
    assert notice_remind(notice=notice, by=officer, now=after) == 3
    reminded = set(
        Notification.objects.filter(kind="notice_reminder").values_list("recipient", flat=True)
    )
    assert reminded == {u.pk for u in informants[2:8]}
    # one node, on its own
    row = NoticeRecipient.objects.get(notice=notice, grid_point=city.grid_points[1])
    assert notice_remind(notice=notice, by=officer, now=after, recipient_id=row.pk) == 1
    row.refresh_from_db()
    assert (row.reminders, row.reminded_at) == (2, after)
