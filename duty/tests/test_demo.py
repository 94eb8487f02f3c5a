"""The demo history of filings: consistent with what the services and the sweep would leave."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F

from duty.demo import seed_filings, seed_filings_postgres
from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.models import DailyReport, ExpectedSubmission, RiskPointList, SubmissionStatus
from duty.services.expected import expected_sweep

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=SH)


@pytest.fixture
def staffed(city):
    for n in range(len(city.grid_points) - 1):  # the last point has nobody: always missed
        city.informant(n)
    return city


def check_history(city) -> None:
    daily = ExpectedSubmission.objects.filter(kind=DAILY_REPORT)
    assert daily.filter(period__lt=NOW.date()).count() == 60 * 8
    assert daily.filter(period=NOW.date(), status=SubmissionStatus.PENDING).count() == 8
    filed = daily.exclude(status__in=[SubmissionStatus.MISSED, SubmissionStatus.PENDING])
    assert filed.count() == DailyReport.objects.count()
    # every settled row: a miss at its due time, a filing at its own time, late iff after due
    assert daily.filter(status=SubmissionStatus.MISSED).exclude(settled_at=F("due_at")).count() == 0
    assert daily.filter(status=SubmissionStatus.LATE, settled_at__lte=F("due_at")).count() == 0
    assert daily.filter(status=SubmissionStatus.ON_TIME, settled_at__gt=F("due_at")).count() == 0
    assert (
        daily.filter(status=SubmissionStatus.MISSED, grid_point=city.grid_points[-1]).count() == 60
    )
    for row in filed.filter(period__lt=NOW.date())[:50]:
        report = DailyReport.objects.get(pk=row.filing_id)
        assert (report.grid_point_id, report.day, report.filed_at) == (
            row.grid_point_id,
            row.period,
            row.settled_at,
        )
        assert report.is_late == (row.status == SubmissionStatus.LATE)
    on_time = filed.filter(status=SubmissionStatus.ON_TIME).count()
    assert on_time > filed.filter(status=SubmissionStatus.LATE).count() > 0
    risks = ExpectedSubmission.objects.filter(kind=RISK_POINTS)
    assert risks.exclude(status=SubmissionStatus.PENDING).count() == 2 * 8  # October, November
    assert RiskPointList.objects.count() == risks.filter(filing_id__isnull=False).count()
    # the first sweep after seeding has nothing of the past to settle
    result = expected_sweep(now=NOW)
    assert result.missed == []


@pytest.mark.django_db
def test_the_orm_writer(staffed):
    assert seed_filings(now=NOW) > 0
    check_history(staffed)
    assert seed_filings(now=NOW) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQL writer: PostgreSQL only")
@pytest.mark.django_db
def test_the_sql_writer(staffed):
    assert seed_filings_postgres(now=NOW, log=lambda _m: None) > 0
    check_history(staffed)
    assert seed_filings_postgres(now=NOW) == 0


def test_the_history_is_scored_once_as_the_sweep_would(staffed):
    # given the written history, when its misses and late filings are told (twice)
    from duty.models import Deduction
    from duty.services.expected import expected_tell_history

    seed_filings(now=NOW)
    told = [expected_tell_history(kind=DAILY_REPORT) for _ in range(2)]
    # then each missed or late daily report has its one deduction, of its kind
    rows = ExpectedSubmission.objects.filter(
        kind=DAILY_REPORT, status__in=[SubmissionStatus.MISSED, SubmissionStatus.LATE]
    )
    assert told == [rows.count()] * 2
    scored = Deduction.objects.filter(kind__startswith="daily_report_")
    assert scored.count() == rows.count()
    assert set(scored.values_list("source_id", flat=True)) == set(rows.values_list("pk", flat=True))
    late = set(rows.filter(status=SubmissionStatus.LATE).values_list("pk", flat=True))
    assert set(scored.filter(kind="daily_report_late").values_list("source_id", flat=True)) == late
