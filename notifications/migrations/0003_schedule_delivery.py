# Delivery starts: the drain every minute (notifications.tasks.drain_notifications: what a
# broker outage or a retry left; after each write it is also published at once) and the daily
# digest at 08:30 Asia/Shanghai, before the working day. Safe to run again: update_or_create by
# name. Beat is woken through PeriodicTasks (historical models send no beat signals).
#
# Notifications written before delivery existed were for the bell only (nobody had a channel):
# they are marked handed over, so the first drain does not walk the whole history.

from django.db import migrations
from django.db.models import F
from django.utils import timezone

DRAIN = "notifications: deliver (every minute)"
DIGEST = "notifications: daily digest (08:30)"


def schedule(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Cron = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_minute, _created = Interval.objects.get_or_create(every=60, period="seconds")
    morning, _created = Cron.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    Task.objects.update_or_create(
        name=DRAIN,
        defaults={
            "task": "notifications.tasks.drain_notifications",
            "interval": every_minute,
            "crontab": None,
            "kwargs": "{}",
            "enabled": True,
        },
    )
    Task.objects.update_or_create(
        name=DIGEST,
        defaults={
            "task": "notifications.tasks.send_digests",
            "crontab": morning,
            "interval": None,
            "kwargs": "{}",
            "enabled": True,
        },
    )
    Tasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    Task.objects.filter(name__in=[DRAIN, DIGEST]).delete()
    Tasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def hand_over_the_past(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(delivered_at=None).update(delivered_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_delivery"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule, unschedule),
        migrations.RunPython(hand_over_the_past, migrations.RunPython.noop),
    ]
