"""The tasks and their schedules (data migration), and what the migration did to old rows."""

from __future__ import annotations

import json

import pytest
from django_celery_beat.models import PeriodicTask

from notifications.models import Delivery
from notifications.services import notify
from notifications.tasks import drain_notifications, send_digests
from notifications.tests.factories import prefer

pytestmark = pytest.mark.django_db


def test_the_drain_runs_every_minute_and_the_digest_daily_by_migration():
    drain = PeriodicTask.objects.get(task="notifications.tasks.drain_notifications")
    assert drain.enabled
    assert (drain.interval.every, drain.interval.period) == (60, "seconds")
    assert json.loads(drain.kwargs) == {}
    digest = PeriodicTask.objects.get(task="notifications.tasks.send_digests")
    cron = digest.crontab
    assert (cron.minute, cron.hour, cron.day_of_week, cron.day_of_month) == ("30", "8", "*", "*")
    assert str(cron.timezone) == "Asia/Shanghai"


def test_the_tasks_are_registered_with_the_projects_celery_app():
    from config.celery import app

    app.loader.import_default_modules()
    assert "notifications.tasks.drain_notifications" in app.tasks
    assert "notifications.tasks.send_digests" in app.tasks


def test_the_tasks_deliver_and_running_them_again_does_nothing(city, robot):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())
    notify(recipient_ids=[admin.pk], kind="k", subject="YZ-1")
    assert drain_notifications()["sent"] == 1
    assert drain_notifications()["sent"] == 0
    assert send_digests() == 0
    assert Delivery.objects.count() == 1
    assert len(robot.requests) == 1
