# The weekly digest (scorecards.tasks.send_weekly_digests) on Mondays at 08:30, Shanghai time,
# so a fresh database has it. Safe to run again: update_or_create by name. Beat is woken through
# PeriodicTasks (historical models send no beat signals).

from django.db import migrations
from django.utils import timezone

TASK_NAME = "scorecards: send last week's digest to leaders (Mondays at 08:30)"


def schedule(apps, schema_editor):
    Cron = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    cron, _created = Cron.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    Task.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "scorecards.tasks.send_weekly_digests",
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
        ("scorecards", "0003_exports_and_digests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
