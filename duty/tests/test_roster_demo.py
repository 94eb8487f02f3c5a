"""The demo duty history: rosters for 60 days, logs and handovers of the duties begun, their
expected submissions consistent with them; a second run writes nothing."""

from datetime import timedelta

import pytest

from duty.demo_rosters import seed_rosters
from duty.handover_kind import HANDOVER
from duty.models import DutyDay, DutyShift, ExpectedSubmission, Handover, LogEntry, SubmissionStatus
from duty.tests.helpers import DAY, at

pytestmark = pytest.mark.django_db


def test_demo_history_is_consistent_and_seeded_once(crew, told):
    now = at(DAY, 10)
    counts = seed_rosters(now=now, log=lambda message: None)
    desks = 3  # the two points with members, and the platform (its officers)
    assert counts["days"] == DutyDay.objects.count() == desks * 60
    assert DutyShift.objects.count() == desks * 60
    assert DutyDay.objects.filter(date__gt=DAY).count() == desks * 7
    assert LogEntry.objects.filter(occurred_at__gt=now).count() == 0
    # every handover due is on record: on time iff acknowledged before its due time
    for row in ExpectedSubmission.objects.filter(kind=HANDOVER):
        handover = Handover.objects.filter(incoming_id=row.subject_id).first()
        on_time = (
            handover is not None
            and handover.acknowledged_at is not None
            and handover.acknowledged_at < row.due_at
        )
        assert (row.status == SubmissionStatus.ON_TIME) == on_time
        assert row.due_at <= now
    missed = ExpectedSubmission.objects.filter(
        kind=HANDOVER, status=SubmissionStatus.MISSED
    ).count()
    assert len([e for e in told if e.kind == "handover_missed"]) == missed
    assert not DutyShift.objects.filter(date__gt=DAY, clocked_in_at__isnull=False).exists()
    assert seed_rosters(now=now + timedelta(hours=1), log=lambda message: None) == {}
