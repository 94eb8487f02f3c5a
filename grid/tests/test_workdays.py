"""Counting deadlines on the PRC working calendar (grid.workdays), seeded by the migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grid.models import CalendarDay, CalendarKind, CalendarYear, TimeUnit
from grid.workdays import (
    SHANGHAI,
    Deadline,
    add_working_time,
    fraction_used,
    moment_at_percent,
)

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    """A moment in Asia/Shanghai, e.g. ``at("2026-09-30 10:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def end_of(text: str) -> datetime:
    """24:00 of a day in Asia/Shanghai."""
    return datetime.combine(
        date.fromisoformat(text) + timedelta(days=1), datetime.min.time()
    ).replace(tzinfo=SHANGHAI)


def working_days(start: datetime, n: int) -> Deadline:
    return add_working_time(start, n, TimeUnit.WORKING_DAYS)


def forget_year(year: int) -> None:
    """The table as if ``year``'s schedule had not been published (nor imported) yet."""
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarYear.objects.filter(year=year).delete()


def test_the_migration_seeds_every_year_the_package_knows_and_no_other():
    import chinese_calendar
    from chinese_calendar.constants import holidays, workdays

    years = sorted({d.year for d in holidays})
    assert years[0] == 2004
    assert list(CalendarYear.objects.order_by("year").values_list("year", flat=True)) == years
    assert CalendarDay.objects.count() == len(holidays) + len(workdays)
    assert (
        CalendarYear.objects.get(year=2026).source
        == f"chinese_calendar {chinese_calendar.__version__}"
    )
    national_day = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert (national_day.kind, national_day.name) == (CalendarKind.HOLIDAY, "国庆节")
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == CalendarKind.MAKEUP


def test_domain_example_routed_the_day_before_national_day():
    # Wednesday 2026-09-30 + 3 working days: 1–7 October off; the 8th, 9th and the make-up
    # Saturday the 10th count: due at the end of Saturday 2026-10-10.
    deadline = working_days(at("2026-09-30 16:20"), 3)
    assert deadline == Deadline(at=end_of("2026-10-10"), assumed_weekdays=False)
    assert deadline.at.tzinfo == SHANGHAI


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # National Day 2026: Sunday 20 September is worked, 1–7 October are off.
        ("2026-09-18 09:00", 1, "2026-09-20"),  # Friday + 1: the make-up Sunday
        ("2026-09-19 09:00", 1, "2026-09-20"),  # from a Saturday: the make-up Sunday
        ("2026-09-30 09:00", 1, "2026-10-08"),
        ("2026-10-03 09:00", 2, "2026-10-09"),  # started on a holiday: not counted anyway
        ("2026-10-09 09:00", 1, "2026-10-10"),  # Friday + 1: the make-up Saturday
        ("2026-10-09 09:00", 2, "2026-10-12"),
        # Spring Festival 2026: Saturday 14 February worked, 15–23 February off, Saturday the
        # 28th worked.
        ("2026-02-13 10:00", 1, "2026-02-14"),
        ("2026-02-13 10:00", 2, "2026-02-24"),
        ("2026-02-14 10:00", 3, "2026-02-26"),
        ("2026-02-26 10:00", 2, "2026-02-28"),
        # An ordinary week: Friday + 1 is Monday.
        ("2026-03-13 10:00", 1, "2026-03-16"),
        ("2026-03-13 10:00", 20, "2026-04-13"),  # city coordination, across Qingming (4–6 April)
    ],
)
def test_working_days_across_holidays_and_make_up_days(start, n, due):
    assert working_days(at(start), n) == Deadline(at=end_of(due))


def test_fifteen_working_days_across_spring_festival():
    # From Thursday 2026-02-05: 6, 9–13, 14 (make-up), then 24–27, 28 (make-up), 2–4 March.
    assert working_days(at("2026-02-05 11:00"), 15).at == end_of("2026-03-04")


def test_the_start_day_is_not_counted_whatever_the_hour():
    assert working_days(at("2026-03-10 00:00:01"), 1).at == end_of("2026-03-11")
    assert working_days(at("2026-03-10 23:59:59"), 1).at == end_of("2026-03-11")


def test_counting_on_from_a_deadline_continues_where_it_ended():
    start = at("2026-09-30 16:20")
    first = working_days(start, 3).at
    assert working_days(first, 2).at == working_days(start, 5).at == end_of("2026-10-13")
    # 00:00 sharp is the end of the day before: Tuesday 00:00 + 1 working day is Tuesday's end.
    assert working_days(at("2026-03-10 00:00"), 1).at == end_of("2026-03-10")


def test_a_start_in_another_time_zone_counts_in_shanghai():
    # 2026-09-30 17:00 UTC is already 1 October, 01:00, in Shanghai: 1 October is the start day.
    assert working_days(datetime(2026, 9, 30, 17, 0, tzinfo=UTC), 1).at == end_of("2026-10-08")
    # 15:59 UTC is still 30 September in Shanghai.
    assert working_days(datetime(2026, 9, 30, 15, 59, tzinfo=UTC), 3).at == end_of("2026-10-10")


def test_hours_are_exact_across_midnight_and_holidays():
    start = at("2026-09-30 22:30")
    assert add_working_time(start, 24, TimeUnit.HOURS) == Deadline(at=at("2026-10-01 22:30"))
    assert add_working_time(start, 3, "hours").at == at("2026-10-01 01:30")
    utc = datetime(2026, 9, 30, 14, 30, tzinfo=UTC)
    assert add_working_time(utc, 2, "hours").at == utc + timedelta(hours=2)
    assert add_working_time(utc, 2, "hours").at.tzinfo == SHANGHAI


def test_calendar_days_end_at_the_end_of_the_nth_day_after():
    assert add_working_time(at("2026-09-30 16:20"), 3, TimeUnit.CALENDAR_DAYS) == Deadline(
        at=end_of("2026-10-03")
    )
    assert add_working_time(at("2026-12-30 08:00"), 5, "calendar_days").at == end_of("2027-01-04")


def test_hours_and_calendar_days_read_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        add_working_time(at("2026-09-30 16:20"), 24, "hours")
        add_working_time(at("2026-09-30 16:20"), 3, "calendar_days")
        add_working_time(at("2026-09-30 16:20"), 0, "working_days")


def test_working_days_read_the_calendar_in_one_query():
    with CaptureQueriesContext(connection) as captured:
        working_days(at("2026-02-05 11:00"), 20)
    assert len(captured.captured_queries) == 1
    assert "UNION" in captured.captured_queries[0]["sql"].upper()


def test_a_long_run_of_days_off_reads_the_next_stretch():
    # An admin marks five weeks off (a long closure): the first window is not enough.
    CalendarDay.objects.bulk_create(
        (
            CalendarDay(date=date(2026, 3, 2) + timedelta(days=i), kind=CalendarKind.HOLIDAY)
            for i in range(40)  # 2 March to 10 April
        ),
        ignore_conflicts=True,  # Qingming's days are there already
    )
    with CaptureQueriesContext(connection) as captured:
        deadline = working_days(at("2026-02-28 10:00"), 1)
    assert deadline.at == end_of("2026-04-13")  # the Monday after the closure
    assert len(captured.captured_queries) == 2


def test_a_deadline_in_a_year_the_table_does_not_know_counts_weekdays_and_says_so():
    forget_year(2027)
    # Wednesday 2026-12-30 + 3: Thursday 31, then Friday 1 and Monday 4 January 2027 as plain
    # weekdays (the table cannot know whether 1 January 2027 is off).
    deadline = working_days(at("2026-12-30 10:00"), 3)
    assert deadline == Deadline(at=end_of("2027-01-04"), assumed_weekdays=True)
    # Within the known year, no assumption.
    assert working_days(at("2026-12-29 10:00"), 2) == Deadline(at=end_of("2026-12-31"))


def test_an_unknown_day_passed_over_counts_as_assumed_too():
    forget_year(2027)
    # Thursday 31 December + 1 is Friday 1 January 2027: a year the table does not hold.
    assert working_days(at("2026-12-31 10:00"), 1).assumed_weekdays is True


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_time(datetime(2026, 9, 30, 10, 0), 1, "hours")  # noqa: DTZ001
    with pytest.raises(ValueError, match="before its start"):
        add_working_time(at("2026-09-30 10:00"), -1, "hours")
    with pytest.raises(ValueError, match="fortnights"):
        add_working_time(at("2026-09-30 10:00"), 1, "fortnights")


def test_amount_zero_is_the_start_itself():
    start = at("2026-09-30 10:00")
    assert add_working_time(start, 0, "working_days") == Deadline(at=start)


def test_the_80_percent_moment_and_the_fraction_used():
    start, due = at("2026-09-30 16:00"), at("2026-10-01 16:00")
    assert moment_at_percent(start, due, 80) == at("2026-10-01 11:12")
    assert fraction_used(start, due, at("2026-10-01 04:00")) == 0.5
    assert fraction_used(start, due, at("2026-10-02 16:00")) == 2.0
    assert fraction_used(due, due, due) == 1.0
