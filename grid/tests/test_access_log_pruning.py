"""The access log is pruned after ACCESS_LOG_RETENTION_DAYS: command, task and its schedule."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from grid.audit import access_log_prune
from grid.models import AccessKind, AccessRecord
from grid.tasks import prune_access_log

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 3, 1, 10, 0))


def _log(days_ago: int, count: int = 1) -> None:
    AccessRecord.objects.bulk_create(
        AccessRecord(
            at=START - timedelta(days=days_ago),
            kind=AccessKind.CASE_READ,
            path="/reports/1/",
            allowed=True,
        )
        for _ in range(count)
    )


def _ages() -> list[int]:
    return sorted((START - r.at).days for r in AccessRecord.objects.all())


@pytest.fixture
def old_and_new(settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    _log(0)
    _log(29)
    _log(31, count=3)
    _log(400)


def test_the_command_deletes_what_is_past_retention_in_batches(old_and_new):
    out = StringIO()
    with time_machine.travel(START, tick=False):
        call_command("prune_access_log", "--batch-size", "2", stdout=out)
    assert _ages() == [0, 29]
    assert "Deleted 4 access record(s)." in out.getvalue()
    with time_machine.travel(START, tick=False):  # again: nothing more
        call_command("prune_access_log", stdout=out)
    assert "Deleted 0 access record(s)." in out.getvalue()
    assert _ages() == [0, 29]


def test_the_command_keeps_what_it_is_told(old_and_new):
    with time_machine.travel(START, tick=False):
        call_command("prune_access_log", "--days", "365", stdout=StringIO())
    assert _ages() == [0, 29, 31, 31, 31]
    with pytest.raises(CommandError):
        call_command("prune_access_log", "--days", "0", stdout=StringIO())


def test_the_daily_task_prunes_and_running_it_twice_deletes_nothing_more(old_and_new):
    with time_machine.travel(START + timedelta(days=2), tick=False):
        assert prune_access_log() == 5  # 29 days old is now 31
        assert prune_access_log() == 0
    assert _ages() == [0]


def test_prune_keeps_the_last_day_of_retention(settings):
    _log(30)
    assert access_log_prune(now=START, days=30) == 0
    assert access_log_prune(now=START + timedelta(seconds=1), days=30) == 1


def test_the_task_is_scheduled_daily_by_migration():
    task = PeriodicTask.objects.get(task="grid.tasks.prune_access_log")
    assert task.enabled
    assert json.loads(task.kwargs) == {}
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_week, cron.day_of_month) == ("17", "3", "*", "*")
    assert str(cron.timezone) == "Asia/Shanghai"
