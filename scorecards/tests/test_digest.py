"""The weekly digest: a week of known events, the figures of each leader's node counted by
hand, sent once per leader and week through the notification service, catching up a week
that a stopped beat missed, and shown on its page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from dispatch.tests.factories import CLOSE, make_cast
from duty.filings import DAILY_REPORT
from duty.models import ExpectedSubmission
from grid.models import Role, User
from grid.tests.factories import UserFactory
from grid.workdays import SHANGHAI
from notifications.models import Notification
from reports.tests.factories import submit
from scorecards.digests.figures import digest_figures
from scorecards.digests.models import WeeklyDigest
from scorecards.digests.services import KIND, digests_send
from scorecards.tasks import send_weekly_digests
from scorecards.tests.scenario import move

pytestmark = pytest.mark.django_db
WEEK = date(2026, 11, 23)  # Monday 23 to Sunday 29 November 2026
MONDAY_AFTER = datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI)
JOINED = datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)  # after the week before ended


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def step(moment, fn, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return fn(*args, **kwargs)


def owe(point, day: date, status: str) -> None:
    due = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(hours=15)
    ExpectedSubmission.objects.create(
        kind=DAILY_REPORT,
        period=day,
        owner_key=ExpectedSubmission.key_for(grid_point_id=point.pk),
        grid_point=point,
        region_path=point.region.path,
        county_id=point.region.path and point.region.parent.parent_id,
        status=status,
        due_at=due,
        settled_at=None if status == "pending" else due,
    )


@pytest.fixture
def week(city):
    """County 0: P filed and closed in the week (township 0); Q filed, routed as major and
    never claimed (township 1: a missed deadline); R filed the week before, closed in it.
    County 1: S filed, open. Daily reports: county 0 two on time (township 0), one missed
    (township 1); county 1 one late, one on time; outside the week or pending: not counted."""
    cast = make_cast(city)
    # The cast's city leader joined after the week: only later weeks are theirs.
    User.objects.filter(pk=cast.leader.pk).update(
        date_joined=datetime(2026, 12, 5, tzinfo=SHANGHAI)
    )
    t00 = next(u for u in city.units if u.code.endswith("-T00"))
    inf0, inf2, inf4 = city.informant(0), city.informant(2), city.informant(4)
    r = step(at(20, 9), submit, inf0)
    move(cast, r, at(20, 10), "accept_local", cast.admin, unit=t00.pk)
    p = step(at(23, 9), submit, inf0)
    move(cast, p, at(23, 13), "accept_local", cast.admin, unit=t00.pk)
    move(cast, p, at(24, 9), "close", cast.admin, **CLOSE)
    move(cast, r, at(25, 9), "close", cast.admin, **CLOSE)
    q = step(at(24, 9), submit, inf2)
    move(cast, q, at(24, 10), "escalate", cast.admin, reason="需市级协调")
    move(
        cast,
        q,
        at(24, 11),
        "route",
        cast.duty,
        grade="major",
        lead_unit=cast.lead_unit.pk,
        instruction="",
    )
    step(at(26, 9), submit, inf4)
    points = city.grid_points
    owe(points[0], date(2026, 11, 23), "on_time")
    owe(points[1], date(2026, 11, 24), "on_time")
    owe(points[2], date(2026, 11, 24), "missed")
    owe(points[0], date(2026, 11, 22), "on_time")  # the week before
    owe(points[1], date(2026, 11, 30), "pending")  # the week after
    owe(points[4], date(2026, 11, 25), "late")
    owe(points[5], date(2026, 11, 26), "on_time")
    return cast


@pytest.fixture
def leaders(city):
    return {
        "city": city.city_user(Role.LEADER, date_joined=JOINED),
        "county0": UserFactory(role=Role.LEADER, region=city.counties[0], date_joined=JOINED),
        "county1": UserFactory(role=Role.LEADER, region=city.counties[1], date_joined=JOINED),
    }


def test_a_city_leaders_week(city, week, django_assert_num_queries):
    with django_assert_num_queries(5):  # the counties, then four aggregates
        figures = digest_figures(city.city, WEEK, now=MONDAY_AFTER)
    assert (figures["new"], figures["closed"], figures["overdue"]) == (3, 2, 1)
    assert figures["major_open"] == 1
    assert figures["daily"] == {"on_time": 3, "late": 1, "missed": 1, "rate": 0.6}
    assert [
        (c["name"], c["new"], c["closed"], c["overdue"], c["daily_rate"])
        for c in figures["children"]
    ] == [("第1区", 2, 2, 1, 0.6667), ("第2区", 1, 0, 0, 0.5)]
    assert (figures["best"], figures["worst"]) == (["第1区"], ["第2区"])


def test_a_county_leaders_week_ranks_its_townships(city, week):
    figures = digest_figures(city.counties[0], WEEK, now=MONDAY_AFTER)
    assert (figures["new"], figures["closed"], figures["overdue"]) == (2, 2, 1)
    assert figures["child_level"] == "township"
    assert [
        (c["name"], c["new"], c["closed"], c["overdue"], c["daily_rate"])
        for c in figures["children"]
    ] == [("第1区1镇", 1, 2, 0, 1.0), ("第1区2镇", 1, 0, 1, 0.0)]
    assert (figures["best"], figures["worst"]) == (["第1区1镇"], ["第1区2镇"])
    # Nothing of the other county.
    assert figures["daily"] == {"on_time": 2, "late": 0, "missed": 1, "rate": 0.6667}


def test_sent_once_per_leader_and_week_through_the_notifications(city, week, leaders):
    assert digests_send(now=MONDAY_AFTER) == 3
    assert digests_send(now=MONDAY_AFTER + timedelta(hours=1)) == 0  # beat again: nothing
    rows = {d.leader_id: d for d in WeeklyDigest.objects.filter(week=WEEK)}
    assert set(rows) == {leader.pk for leader in leaders.values()}
    assert rows[leaders["county0"].pk].figures["children"][0]["name"] == "第1区1镇"
    notes = Notification.objects.filter(kind=KIND)
    assert notes.count() == 3
    note = notes.get(recipient=leaders["city"])
    assert "3 new, 2 closed, 1 overdue" in note.subject
    assert note.url == f"{reverse('scorecards-digest')}?week=2026-11-23"
    assert "第1区" in note.text


def test_the_constraint_refuses_a_second_digest(city, leaders):
    WeeklyDigest.objects.create(
        leader=leaders["city"], week=WEEK, region=city.city, sent_at=MONDAY_AFTER
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyDigest.objects.create(
            leader=leaders["city"], week=WEEK, region=city.city, sent_at=MONDAY_AFTER
        )


def test_a_missed_monday_is_caught_up(city, week, leaders):
    late = UserFactory(
        role=Role.LEADER, region=city.city, date_joined=datetime(2026, 12, 2, tzinfo=SHANGHAI)
    )
    # Beat was down on 30 November; it runs again on 7 December.
    with time_machine.travel(datetime(2026, 12, 7, 8, 30, tzinfo=SHANGHAI), tick=False):
        # Three leaders two weeks; the late one and the cast's leader the last week only.
        assert send_weekly_digests() == 8
    weeks = set(WeeklyDigest.objects.values_list("leader_id", "week"))
    assert (leaders["city"].pk, WEEK) in weeks
    assert (leaders["city"].pk, date(2026, 11, 30)) in weeks
    assert (late.pk, WEEK) not in weeks
    assert (late.pk, date(2026, 11, 30)) in weeks


def test_other_people_get_no_digest(city, week, leaders):
    UserFactory(role=Role.LEADER, region=city.townships[0], date_joined=JOINED)
    UserFactory(role=Role.LEADER, region=city.city, date_joined=JOINED, is_active=False)
    city.city_user(Role.DUTY_OFFICER, date_joined=JOINED)
    assert digests_send(now=MONDAY_AFTER) == 3


def test_the_digest_is_scheduled_on_mondays_at_half_past_eight():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="scorecards.tasks.send_weekly_digests")
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_week) == ("30", "8", "1")
    assert str(cron.timezone) == "Asia/Shanghai"
    assert task.enabled


def test_the_page_shows_the_digest_as_sent(client, city, week, leaders, django_assert_num_queries):
    digests_send(now=MONDAY_AFTER)
    with time_machine.travel(MONDAY_AFTER + timedelta(hours=2), tick=False):
        client.force_login(leaders["county0"])
        # session, person, their region, the digest as sent
        with django_assert_num_queries(4):
            response = client.get(reverse("scorecards-digest"), {"week": "2026-11-25"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "第1区1镇" in html
    assert "第2区1镇" not in html
    assert "Sent at 2026-11-30 08:30" in html


def test_the_page_computes_a_week_not_sent(client, city, week):
    leader = city.city_user(Role.LEADER)
    with time_machine.travel(MONDAY_AFTER, tick=False):
        client.force_login(leader)
        html = client.get(reverse("scorecards-digest")).content.decode()
        assert "Computed at" in html
        assert "第2区" in html
        assert client.get(reverse("scorecards-digest"), {"week": "2026-12-01"}).status_code == 404
        assert client.get(reverse("scorecards-digest"), {"week": "soon"}).status_code == 404


def test_the_page_is_for_city_and_county_leaders(client, city):
    client.force_login(city.informant(0))
    assert client.get(reverse("scorecards-digest")).status_code == 403


def test_a_quiet_week_names_nobody(city):
    figures = digest_figures(city.city, WEEK, now=MONDAY_AFTER)
    assert (figures["new"], figures["best"], figures["worst"]) == (0, [], [])
