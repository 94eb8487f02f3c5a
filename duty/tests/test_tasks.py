"""Beat's tasks: the 14:00 reminder once a day, the 15:00 sweep with its missing lists once,
the catch-up after beat was down, and the schedule a fresh database has."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django_celery_beat.models import PeriodicTask

from duty import tasks
from duty.filings import DAILY_REPORT
from duty.models import ExpectedSubmission, SubmissionStatus
from duty.services.expected import expected_create_for
from duty.services.filings import daily_report_file
from duty.services.reminders import remind_pending
from grid.models import Role
from grid.tests.factories import UserFactory
from notifications.models import Notification

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 20)

pytestmark = pytest.mark.django_db


def at(h, m=0, s=0, day=DAY):
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=SH)


@pytest.fixture
def people(city, settings):
    settings.DUTY_CATCHUP_DAYS = 0
    informants = [city.informant(n) for n in range(8)]
    admins = [city.county_admin(0), city.county_admin(1)]
    officer = city.city_user(Role.DUTY_OFFICER)
    return informants, admins, officer


def sent(kind):
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def test_the_reminder_goes_at_14_to_those_not_filed_once(city, people):
    informants, _admins, _officer = people
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    daily_report_file(by=informants[0], nothing_to_report=True, now=at(9))
    assert remind_pending(now=at(13, 59, 59)) == 0
    with time_machine.travel(at(14), tick=False):
        assert tasks.remind() == 7
        assert tasks.remind() == 0  # again: nothing more
    assert {n.recipient_id for n in sent("duty_reminder")} == {p.pk for p in informants[1:]}
    assert remind_pending(now=at(15)) == 0  # due: no reminder any more


def test_the_15_sweep_misses_and_tells_each_county_admin_and_the_duty_officer_once(city, people):
    informants, admins, officer = people
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    daily_report_file(by=informants[0], nothing_to_report=True, now=at(9))
    with time_machine.travel(at(15), tick=False):
        first = tasks.sweep()
        second = tasks.sweep()
    assert first["missed"] == 7
    assert second["missed"] == 0
    assert second["announced"] == 0
    missing = sent("duty_missing")
    assert [n.recipient_id for n in missing] == [admins[0].pk, admins[1].pk]
    assert missing[0].subject == "3 grid points missed the daily report of 2026-11-20"
    assert city.grid_points[1].name in missing[0].text
    assert city.grid_points[0].name not in missing[0].text
    overview = sent("duty_city_overview")
    assert [n.recipient_id for n in overview] == [officer.pk]
    assert "3 of 4 missing" in overview[0].text
    assert "4 of 4 missing" in overview[0].text


def test_beat_down_across_two_days_then_back(city, people, settings):
    # given beat ran last on the 18th's evening: only the 18th's rows and the 19th's exist
    settings.DUTY_CATCHUP_DAYS = 3
    with time_machine.travel(at(20, day=date(2026, 11, 18)), tick=False):
        tasks.create_tomorrow()
        tasks.sweep()
    Notification.objects.all().delete()
    # when it is back on the 20th at 17:20 (no 14:00, no 15:00 on the 19th or the 20th)
    with time_machine.travel(at(17, 20), tick=False):
        result = tasks.sweep()
        again = tasks.sweep()
    # then the 20th's rows were created, and both days are missed at their 15:00
    for day in (date(2026, 11, 19), date(2026, 11, 20)):
        rows = ExpectedSubmission.objects.filter(kind=DAILY_REPORT, period=day)
        assert rows.count() == 8
        assert set(rows.values_list("status", flat=True)) == {SubmissionStatus.MISSED}
        assert set(rows.values_list("settled_at", flat=True)) == {at(15, day=day)}
    assert result["missed"] == 16
    assert again == {"created": {}, "missed": 0, "reminded": 0, "announced": 0}
    # no reminder after the due time; one missing list per county admin and day
    assert sent("duty_reminder") == []
    assert len(sent("duty_missing")) == 4


def test_tomorrows_rows_are_created_the_evening_before(city, people):
    with time_machine.travel(at(20), tick=False):
        created = tasks.create_tomorrow()
    assert created["daily_report:tomorrow"] == 8
    assert ExpectedSubmission.objects.filter(period=date(2026, 11, 21)).count() == 8


def test_inactive_and_other_peoples_accounts_are_not_reminded(city, people):
    informants, _admins, _officer = people
    informants[1].is_active = False
    informants[1].save()
    UserFactory(role=Role.COUNTY_ADMIN, region=city.counties[0], is_active=False)
    expected_create_for(kind=DAILY_REPORT, period=DAY)
    assert remind_pending(now=at(14)) == 7


def test_a_fresh_database_has_the_schedule(transactional_db):
    importlib.import_module("duty.migrations.0003_schedule").schedule(django_apps, None)
    tasks_by_name = {t.name: t for t in PeriodicTask.objects.filter(task__startswith="duty.tasks.")}
    assert len(tasks_by_name) == 5
    crons = {
        (t.task, t.crontab.minute, t.crontab.hour, t.crontab.day_of_month)
        for t in tasks_by_name.values()
    }
    assert crons == {
        ("duty.tasks.create_tomorrow", "0", "20", "*"),
        ("duty.tasks.remind", "0", "14", "*"),
        ("duty.tasks.sweep", "0", "15", "*"),
        ("duty.tasks.sweep", "0", "0", "1"),
        ("duty.tasks.sweep", "*/5", "*", "*"),
    }
    assert {str(t.crontab.timezone) for t in tasks_by_name.values()} == {"Asia/Shanghai"}
