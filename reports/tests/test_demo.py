"""Generated history is consistent with the workflow."""

import itertools

import pytest
from django.db.models import Count, F

from grid.models import Role, UnitKind
from grid.tests.factories import UserFactory
from reports.demo import seed_report_history
from reports.models import CaseCounter, Report, ReportEvent, Status
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed_city(city):
    for i in range(2):
        city.county_admin(i)
        city.informant(i * 4)
    city.city_user(Role.DUTY_OFFICER)
    for unit in city.units:
        if unit.kind == UnitKind.TOWNSHIP:
            UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)
    from grid.tests.factories import UnitFactory

    UnitFactory(code="CITY-DEPT", name="市住建局", region=city.city)
    return city


def assert_steps_name_their_units() -> None:
    """Generated steps record the unit they concern, as the workflow's do (ReportEvent.unit)."""
    for event in ReportEvent.objects.filter(
        transition__in=["accept_local", "route", "close"]
    ).select_related("report")[:200]:
        report = event.report
        expected = report.lead_unit_id or report.assigned_unit_id
        if event.transition == "accept_local":
            expected = report.assigned_unit_id
        assert event.unit_id is not None, event.transition
        assert event.unit_id == expected, (event.transition, report.case_number)
    assert not ReportEvent.objects.filter(transition="submit", unit__isnull=False).exists()


def test_history_covers_every_state_and_events_match_the_state(staffed_city):
    created = seed_report_history(per_day=10, days=60)
    assert created == 600
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.SUBMITTED,
        Status.LOCAL_HANDLING,
        Status.ESCALATED,
        Status.ROUTED,
        Status.CLOSED,
        Status.REJECTED,
    }
    for report in Report.objects.annotate(n=Count("events")).order_by("?")[:50]:
        events = list(report.events.order_by("at", "id"))
        assert events[0].transition == "submit"
        assert events[-1].target == report.status
        assert all(a.target == b.source for a, b in itertools.pairwise(events))
        assert all(a.at <= b.at for a, b in itertools.pairwise(events))
    assert ReportEvent.objects.count() > Report.objects.count()
    assert_steps_name_their_units()


def test_history_is_idempotent_and_live_numbering_continues(staffed_city):
    seed_report_history(per_day=5, days=3)
    assert seed_report_history(per_day=5, days=3) == 0
    assert Report.objects.count() == 15
    live = submit(staffed_city.informant(0))
    assert Report.objects.filter(case_number=live.case_number).count() == 1
    assert CaseCounter.objects.exists()


def test_postgres_writer_makes_consistent_history(staffed_city):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the SQL history writer needs PostgreSQL")
    from reports.demo import seed_report_history_postgres

    seed_report_history(per_day=2, days=2)  # live numbering must continue after these
    before = Report.objects.count()
    seed_report_history_postgres(total=3000, days=60, log=lambda *_: None)
    assert Report.objects.count() == before + 3000
    numbers = list(Report.objects.values_list("case_number", flat=True))
    assert len(numbers) == len(set(numbers))
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses >= {Status.SUBMITTED, Status.LOCAL_HANDLING, Status.ROUTED, Status.CLOSED}
    for report in Report.objects.order_by("?")[:100]:
        events = list(report.events.order_by("at", "id"))
        assert events[0].transition == "submit"
        assert events[-1].target == report.status, report.case_number
        assert all(a.target == b.source for a, b in itertools.pairwise(events))
        assert all(a.at <= b.at for a, b in itertools.pairwise(events))
    assert_steps_name_their_units()
    live = submit(staffed_city.informant(0))
    assert Report.objects.filter(case_number=live.case_number).count() == 1


def test_postgres_writer_numbers_past_9999_a_day_without_collisions(staffed_city):
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("the SQL history writer needs PostgreSQL")
    from reports.demo import seed_report_history_postgres

    def structure() -> list:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'reports_report%%' "
                "UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text LIKE 'reports_report%%' ORDER BY 1"
            )
            return [row[0] for row in cursor.fetchall()]

    before = structure()
    today = timezone.localdate()
    CaseCounter.objects.bulk_create(
        CaseCounter(day=today - timedelta(days=d), value=9990) for d in range(-1, 4)
    )
    seed_report_history_postgres(total=200, days=3, log=lambda *_: None)
    numbers = list(Report.objects.values_list("case_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 200
    suffixes = {n.rsplit("-", 1)[1] for n in numbers}
    assert "9991" in suffixes
    assert "10000" in suffixes  # five digits, not cut to "1000"
    # Loading into empty tables drops indexes and foreign keys, then builds them again.
    assert structure() == before


def test_seed_demo_gives_the_demo_city_report_history_once():
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    count = Report.objects.count()
    assert count >= 1000
    # The demo county admin has a queue to work on, and the demo informant has reports.
    assert Report.objects.filter(county__name="邗江区", status=Status.SUBMITTED).exists()
    call_command("seed_demo", stdout=StringIO())
    assert Report.objects.count() == count
    # The disposal clocks the history let run out were found, once each, at their due time.
    from django.utils import timezone

    from reports.models.report import DISPOSAL_UNSWEPT

    assert not Report.objects.filter(DISPOSAL_UNSWEPT, disposal_due_at__lte=timezone.now())
    overdue = Report.objects.filter(disposal_overdue_at__isnull=False)
    assert overdue.exists()
    steps = ReportEvent.objects.filter(transition="disposal_overdue")
    assert steps.count() == overdue.count()
    assert (
        not steps.exclude(at=F("report__disposal_due_at"))
        .exclude(at=F("report__created_at"))
        .exists()
    )
