# The 09:00 handover check (duty.handover_tasks.check_handovers) at 09:00 and, to catch up
# (beat down at 09:00), every five minutes, so a fresh database has it (Asia/Shanghai). Safe to
# run again: update_or_create by name. Beat is woken through PeriodicTasks (historical models
# send no beat signals). The task is idempotent: the expected submissions' sweep settles each
# row once, and each missed handover is announced once.

from django.db import migrations
from django.utils import timezone

ZONE = "Asia/Shanghai"
TASK = "duty.handover_tasks.check_handovers"
# name -> (minute, hour)
SCHEDULE = {
    "duty: the 09:00 handover check": ("0", "9"),
    "duty: handover check catch-up (every 5 minutes)": ("*/5", "*"),
}


def schedule(apps, schema_editor):
    Cron = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (minute, hour) in SCHEDULE.items():
        cron, _created = Cron.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=ZONE,
        )
        Task.objects.update_or_create(
            name=name,
            defaults={
                "task": TASK,
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
    Task.objects.filter(name__in=list(SCHEDULE)).delete()
    Tasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):

    dependencies = [
        ("duty", "0002_rosters"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
