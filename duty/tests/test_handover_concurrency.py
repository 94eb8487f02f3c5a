"""Two handover checks at once mark and announce each missed handover once (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from duty.handover_kind import HANDOVER
from duty.handover_notices import KIND
from duty.handover_tasks import handover_check
from duty.models import ExpectedSubmission, SubmissionStatus
from duty.tests.factories import make_crew
from duty.tests.helpers import DAY, at, put_on
from duty.tests.test_concurrency import run_at_once
from notifications.models import Notification

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_checks_at_once_announce_each_missed_handover_once(city, told, settings):
    settings.DUTY_CATCHUP_DAYS = 1
    crew = make_crew(city)
    nxt = DAY + timedelta(days=1)
    put_on(crew, [crew.members[0]], leader=crew.head)
    put_on(crew, [crew.members[1]], day=nxt, leader=crew.head)
    put_on(crew, [crew.officers[0]], desk=crew.platform, leader=crew.leader)
    put_on(crew, [crew.officers[1]], desk=crew.platform, day=nxt, leader=crew.leader)
    results = run_at_once(*[lambda: handover_check(now=at(nxt, 9))] * 2)
    assert sum(r["missed"] for r in results) == 2
    assert sum(r["announced"] for r in results) == 2
    assert (
        ExpectedSubmission.objects.filter(kind=HANDOVER, status=SubmissionStatus.MISSED).count()
        == 2
    )
    assert len([e for e in told if e.kind == "handover_missed"]) == 2
    assert sorted(
        Notification.objects.filter(kind=KIND).values_list("recipient_id", flat=True)
    ) == sorted([crew.head.pk, crew.leader.pk])
