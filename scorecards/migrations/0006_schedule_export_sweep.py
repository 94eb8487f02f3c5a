# The case exports' sweep (scorecards.tasks.sweep_exports) every 10 minutes, so a fresh
# database has it: exports a broker lost are handed to a worker again, those a dead worker left
# are failed, old files are deleted. Safe to run again: update_or_create by name. Beat is woken
# through PeriodicTasks (historical models send no beat signals).

from django.db import migrations
from django.utils import timezone

TASK_NAME = "scorecards: look after case exports (every 10 minutes)"


def schedule(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    Tasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every, _created = Interval.objects.get_or_create(every=600, period="seconds")
    Task.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "scorecards.tasks.sweep_exports",
            "interval": every,
            "crontab": None,
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
        ("scorecards", "0005_export_expiry"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
