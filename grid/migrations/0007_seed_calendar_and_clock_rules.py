# Seeds deadlines as data (issue 10):
#
# - the working calendar: every holiday and make-up working day the installed
#   `chinese_calendar` package knows (2004–2026 in its 1.11 release), and one CalendarYear per
#   year it holds. Years it does not hold are not invented: an admin imports them (docs/
#   deployment.md, "The working calendar").
# - the clock rules, from domain.md and issue 10 (README.md lists them with the reasons).
#
# Safe to run again (rows are looked up by date / by clock and grade). Reversing removes
# what this migration added: the package's years and days, and the rules it seeded.

from django.db import migrations
from django.utils import timezone

# (clock, grade, limit, unit, max_limit, grace, note); grace is in the rule's own unit; the
# notes are data for the admins, in their language.
RULES = [
    ("disposal", "", 24, "hours", None, 24, "002：发现后 24 小时内报告处置情况，逾期扣分"),
    ("unit_claim", "", 1, "working_days", None, 1, "默认：转办后 1 个工作日内签收"),
    ("unit_reply", "", 3, "working_days", 5, 1, "003：转办后 3 日内书面答复；延期最长至 5 日"),
    ("unit_reply", "difficult", 2, "working_days", 5, 1, "003：紧急事项 2 日内答复（疑难）"),
    ("unit_reply", "sudden", 2, "working_days", 5, 1, "003：紧急事项 2 日内答复（突发）"),
    ("unit_reply", "major", 2, "working_days", 5, 1, "003：紧急事项 2 日内答复（重大）"),
    ("citizen_reply", "", 3, "working_days", 5, 1, "003：3 日内答复群众；经批准延期最长至 5 日"),
    ("verification", "", 1, "working_days", None, 1, "001：收到联系单后 1 日内核实"),
    ("complex", "", 15, "working_days", None, 1, "001：复杂事项 15 个工作日"),
    ("city_coordination", "", 20, "working_days", None, 1, "001：需市级协调的事项 20 个工作日"),
]


def _package_calendar():
    import chinese_calendar
    from chinese_calendar.constants import Holiday, holidays, workdays

    source = f"chinese_calendar {chinese_calendar.__version__}"
    days = [(day, "holiday", Holiday(name).chinese) for day, name in holidays.items()]
    days += [(day, "makeup", Holiday(name).chinese) for day, name in workdays.items()]
    years = sorted({day.year for day in holidays})
    return source, years, days


def seed_calendar(apps, schema_editor):
    CalendarDay = apps.get_model("grid", "CalendarDay")
    CalendarYear = apps.get_model("grid", "CalendarYear")
    source, years, days = _package_calendar()
    now = timezone.now()
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, kind=kind, name=name)
            for day, kind, name in sorted(days)
            if day not in existing
        ],
        batch_size=500,
    )
    for year in years:
        CalendarYear.objects.get_or_create(
            year=year, defaults={"source": source, "imported_at": now}
        )


def unseed_calendar(apps, schema_editor):
    CalendarDay = apps.get_model("grid", "CalendarDay")
    CalendarYear = apps.get_model("grid", "CalendarYear")
    _source, years, days = _package_calendar()
    CalendarDay.objects.filter(date__in=[day for day, _kind, _name in days]).delete()
    CalendarYear.objects.filter(year__in=years, source__startswith="chinese_calendar").delete()


def seed_rules(apps, schema_editor):
    ClockRule = apps.get_model("grid", "ClockRule")
    for clock, grade, limit, unit, max_limit, grace, note in RULES:
        ClockRule.objects.get_or_create(
            clock=clock,
            grade=grade,
            defaults={
                "limit": limit,
                "unit": unit,
                "max_limit": max_limit,
                "remind_at_percent": 80,
                "grace": grace,
                "note": note,
            },
        )


def unseed_rules(apps, schema_editor):
    ClockRule = apps.get_model("grid", "ClockRule")
    for clock, grade, *_rest in RULES:
        ClockRule.objects.filter(clock=clock, grade=grade).delete()


def seed(apps, schema_editor):
    seed_calendar(apps, schema_editor)
    seed_rules(apps, schema_editor)


def unseed(apps, schema_editor):
    unseed_rules(apps, schema_editor)
    unseed_calendar(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [("grid", "0006_working_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
