# The month close (scorecards.tasks.close_month) every day at 01:10, so a fresh database has
# it. Safe to run again: update_or_create by name. Beat is woken through PeriodicTasks
# (historical models send no beat signals).

from django.db import migrations
from django.utils import timezone

TASK_NAME = "scorecards: close the previous month (daily at 01:10; does nothing once closed)"


def schedule(apps, schema_editor):
    Cron = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    cron, _created = Cron.objects.get_or_create(
        minute="10",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    Task.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "scorecards.tasks.close_month",
            "crontab": cron,
            "interval": None,
            "kwargs": "{}",
            "enabled": True,
        },
    )
    Tasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    Task.objects.filter(name=TASK_NAME).delete()
    Tasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):

    dependencies = [
        ("scorecards", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
