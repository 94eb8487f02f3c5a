# duty's periodic tasks, so a fresh database has them (Asia/Shanghai crontabs). Safe to run
# again: update_or_create by name. Beat is woken through PeriodicTasks (historical models send
# no beat signals). Every task is idempotent and catches up; the five-minute sweep settles
# whatever a missed 15:00 or month-end run left (with the due time as the moment of the miss).

from django.db import migrations
from django.utils import timezone

ZONE = "Asia/Shanghai"
# name -> (task, minute, hour, day_of_month)
SCHEDULE = {
    "duty: create tomorrow's expected submissions (20:00)": ("duty.tasks.create_tomorrow", "0", "20", "*"),
    "duty: remind grid points of the daily report (14:00)": ("duty.tasks.remind", "0", "14", "*"),
    "duty: daily-report sweep (15:00)": ("duty.tasks.sweep", "0", "15", "*"),
    "duty: month-end risk-point sweep (00:00 on the 1st)": ("duty.tasks.sweep", "0", "0", "1"),
    "duty: catch-up sweep (every 5 minutes)": ("duty.tasks.sweep", "*/5", "*", "*"),
}


def schedule(apps, schema_editor):
    Cron = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (task, minute, hour, day_of_month) in SCHEDULE.items():
        cron, _created = Cron.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month=day_of_month,
            month_of_year="*",
            timezone=ZONE,
        )
        Task.objects.update_or_create(
            name=name,
            defaults={
                "task": task,
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
        ("duty", "0002_daily_reports_and_risk_points"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
