"""Intake sets the disposal clock by its rule (grid.ClockRule ``disposal``), not a setting."""

from datetime import datetime, timedelta

import pytest
import time_machine

from grid.models import Clock, ClockRule, TimeUnit
from grid.workdays import SHANGHAI
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

NOW = "2026-09-30 18:00 +0800"  # a Wednesday, the day before National Day


def disposal_rule(grade: str = "") -> ClockRule:
    return ClockRule.objects.get(clock=Clock.DISPOSAL, grade=grade)


def test_the_seeded_rule_gives_24_hours_from_discovery(city):
    discovered = datetime(2026, 9, 30, 15, 0, tzinfo=SHANGHAI)
    with time_machine.travel(NOW, tick=False):
        report = submit(city.informant(0), discovered_at=discovered)
    assert report.disposal_due_at == discovered + timedelta(hours=24)


def test_the_next_filing_follows_an_edited_rule(city):
    informant = city.informant(0)
    with time_machine.travel(NOW, tick=False):
        before = submit(informant)
        rule = disposal_rule()
        rule.limit = 2
        rule.save()
        after = submit(informant)
    assert before.disposal_due_at - before.discovered_at == timedelta(hours=24)
    assert after.disposal_due_at - after.discovered_at == timedelta(hours=2)


def test_a_rule_in_working_days_counts_the_holidays(city):
    ClockRule.objects.filter(clock=Clock.DISPOSAL).update(limit=1, unit=TimeUnit.WORKING_DAYS)
    with time_machine.travel(NOW, tick=False):
        report = submit(city.informant(0))
    # 1–7 October are off: the end of Thursday 8 October.
    assert report.disposal_due_at == datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI)


def test_the_suggested_grades_own_rule_wins(city):
    ClockRule.objects.create(clock=Clock.DISPOSAL, grade="major", limit=1, unit=TimeUnit.HOURS)
    informant = city.informant(0)
    with time_machine.travel(NOW, tick=False):
        major = submit(informant, suggested_grade="major")
        general = submit(informant, suggested_grade="general")
    assert major.disposal_due_at - major.discovered_at == timedelta(hours=1)
    assert general.disposal_due_at - general.discovered_at == timedelta(hours=24)
