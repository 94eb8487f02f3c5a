"""The deadline rules (grid.models.ClockRule) as seeded, and the one lookup (grid.clocks)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grid.clocks import ClockRuleMissing, clock_rule_for, clock_rules_by_grade, deadline_for
from grid.grades import grade_choices
from grid.models import Clock, ClockRule, TimeUnit
from grid.workdays import SHANGHAI, Deadline

pytestmark = pytest.mark.django_db

ROUTED = datetime(2026, 9, 30, 16, 20, tzinfo=SHANGHAI)  # a Wednesday, the day before 1 October


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(0), SHANGHAI)


def test_every_clock_is_seeded_with_its_rule_for_every_grade():
    seeded = {
        (r.clock, r.grade): (r.limit, r.unit, r.max_limit, r.remind_at_percent, r.grace)
        for r in ClockRule.objects.all()
    }
    wd = TimeUnit.WORKING_DAYS
    assert seeded == {
        ("disposal", ""): (24, TimeUnit.HOURS, None, 80, 24),
        ("unit_claim", ""): (1, wd, None, 80, 1),
        ("unit_reply", ""): (3, wd, 5, 80, 1),
        ("unit_reply", "difficult"): (2, wd, 5, 80, 1),
        ("unit_reply", "sudden"): (2, wd, 5, 80, 1),
        ("unit_reply", "major"): (2, wd, 5, 80, 1),
        ("citizen_reply", ""): (3, wd, 5, 80, 1),
        ("verification", ""): (1, wd, None, 80, 1),
        ("complex", ""): (15, wd, None, 80, 1),
        ("city_coordination", ""): (20, wd, None, 80, 1),
    }
    assert {clock for clock, _grade in seeded} == set(Clock.values)


@pytest.mark.parametrize(
    ("grade", "limit"),
    [("", 3), ("general", 3), ("important", 3), ("difficult", 2), ("sudden", 2), ("major", 2)],
)
def test_a_grades_own_rule_wins_over_the_rule_for_every_grade(grade, limit):
    assert clock_rule_for(clock=Clock.UNIT_REPLY, grade=grade).limit == limit


def test_deadline_for_counts_the_rule_on_the_working_calendar():
    # 3 working days after 30 September: the end of the make-up Saturday 10 October.
    assert deadline_for(clock="unit_reply", start=ROUTED, grade="general") == Deadline(
        at=end_of("2026-10-10")
    )
    # Urgent: 2 working days.
    assert deadline_for(clock="unit_reply", start=ROUTED, grade="major").at == end_of("2026-10-09")
    assert deadline_for(clock="disposal", start=ROUTED).at == ROUTED + timedelta(hours=24)
    # 8–10 October, then four weeks of five, then 2 and 3 November.
    assert deadline_for(clock="city_coordination", start=ROUTED).at == end_of("2026-11-03")


def test_the_lookup_is_one_query_and_the_deadline_one_more(django_assert_num_queries):
    with django_assert_num_queries(1):
        clock_rule_for(clock=Clock.UNIT_REPLY, grade="major")
    with django_assert_num_queries(1):
        deadline_for(clock=Clock.DISPOSAL, start=ROUTED, grade="major")  # hours: no calendar
    with django_assert_num_queries(2):
        deadline_for(clock=Clock.CITIZEN_REPLY, start=ROUTED)


def test_every_grades_rule_is_one_query_and_the_same_as_one_by_one(django_assert_num_queries):
    grades = ["", "general", "important", "difficult", "sudden", "major"]
    one_by_one = {g: clock_rule_for(clock=Clock.UNIT_REPLY, grade=g).pk for g in grades}
    with django_assert_num_queries(1):
        rules = clock_rules_by_grade(clock=Clock.UNIT_REPLY, grades=grades)
    assert {g: rule.pk for g, rule in rules.items()} == one_by_one
    ClockRule.objects.filter(clock=Clock.UNIT_REPLY, grade="").delete()
    with pytest.raises(ClockRuleMissing):
        clock_rules_by_grade(clock=Clock.UNIT_REPLY, grades=grades)


def test_an_edited_rule_applies_to_the_next_clock_started():
    ClockRule.objects.filter(clock=Clock.UNIT_CLAIM, grade="").update(limit=4, unit="hours")
    assert deadline_for(clock="unit_claim", start=ROUTED).at == ROUTED + timedelta(hours=4)


def test_the_rule_gives_its_longest_extension_its_reminder_and_its_supervision():
    rule = clock_rule_for(clock=Clock.CITIZEN_REPLY)
    due = rule.deadline_from(ROUTED).at
    assert due == end_of("2026-10-10")
    # Extensions never past 5 working days from the start.
    assert rule.longest_deadline_from(ROUTED).at == end_of("2026-10-13")
    # Supervision 1 working day after the deadline (Sunday the 11th is off).
    assert rule.supervision_after(due).at == end_of("2026-10-12")
    assert rule.reminder_at(ROUTED, due) == ROUTED + (due - ROUTED) * 0.8
    # No maximum: the limit is the longest.
    claim = clock_rule_for(clock=Clock.UNIT_CLAIM)
    assert claim.longest_deadline_from(ROUTED) == claim.deadline_from(ROUTED)


def test_a_missing_rule_is_a_clear_error():
    ClockRule.objects.filter(clock=Clock.VERIFICATION).delete()
    with pytest.raises(ClockRuleMissing, match="Verification after a contact slip"):
        deadline_for(clock=Clock.VERIFICATION, start=ROUTED)
    # A grade's own rule does not stand in for the missing rule of every other grade.
    ClockRule.objects.filter(clock=Clock.UNIT_REPLY, grade="").delete()
    assert clock_rule_for(clock=Clock.UNIT_REPLY, grade="major").limit == 2
    with pytest.raises(ClockRuleMissing):
        clock_rule_for(clock=Clock.UNIT_REPLY, grade="general")


def test_unknown_clocks_and_grades_are_refused():
    with pytest.raises(ValueError, match="coffee"):
        clock_rule_for(clock="coffee")
    with pytest.raises(ValueError, match="Unknown grade 'Major'"):
        clock_rule_for(clock=Clock.UNIT_REPLY, grade="Major")


def test_grades_come_from_reports_without_grid_importing_it():
    assert [code for code, _label in grade_choices()] == [
        "",
        "general",
        "important",
        "difficult",
        "sudden",
        "major",
    ]


def test_a_rule_is_checked_as_the_admin_checks_it():
    rule = ClockRule(clock=Clock.COMPLEX, grade="nonsense", limit=10, unit="working_days")
    rule.max_limit = 5
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert set(caught.value.message_dict) == {"grade", "max_limit"}
    # The same clock and grade twice.
    with pytest.raises(ValidationError, match="already exists"):
        ClockRule(clock=Clock.COMPLEX, grade="", limit=10, unit="working_days").full_clean()


def test_the_database_holds_the_rules_shape_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockRule.objects.create(
            clock=Clock.COMPLEX, grade="major", limit=10, unit="working_days", max_limit=3
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockRule.objects.create(clock=Clock.COMPLEX, grade="", limit=10, unit="working_days")
