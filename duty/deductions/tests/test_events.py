"""Score events → deductions: set-based, once per event, by the active rule of the kind,
grade group and responsibility; the party told; the grid's moves followed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from duty.deductions.services import deductions_from_events
from duty.models import Deduction, DeductionKind, DeductionRule, DeductionStatus
from grid.hooks import ScoreEvent, score_events
from grid.models import GridPoint, Region, Role, Unit
from grid.services import region_set_parent
from grid.tests.factories import UserFactory
from notifications.models import Notification
from reports.models import Report

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 30, 15, 0, tzinfo=SH)


def missed(points, *, kind="daily_report_missed", at=AT, source_offset=0) -> list[ScoreEvent]:
    """One event per grid point, each with its own source row id."""
    return [
        ScoreEvent(
            kind=kind,
            source_model=Report,  # any model: the source is a generic reference
            source_id=1000 + source_offset + i,
            target_model=GridPoint,
            target_id=point.pk,
            at=at,
        )
        for i, point in enumerate(points)
    ]


def test_a_batch_gives_one_deduction_each_and_a_second_telling_none(cast):
    # given a sweep's batch: every grid point missed its daily report
    events = missed(cast.city.grid_points)
    # when it is told, then told again (a sweep run twice)
    assert deductions_from_events(events) == len(events)
    assert deductions_from_events(events) == 0
    # then one row each, at the due time, in its local month, with the rule's points
    rows = list(Deduction.objects.order_by("grid_point_id"))
    assert len(rows) == len(cast.city.grid_points)
    assert {r.grid_point_id for r in rows} == {p.pk for p in cast.city.grid_points}
    assert {(r.points, r.status, r.at, r.month.isoformat()) for r in rows} == {
        (Decimal("-1.00"), DeductionStatus.COUNTING, AT, "2026-11-01")
    }
    assert all(r.created_by_id is None and r.target_path.endswith("/") for r in rows)


def test_the_hook_is_registered_with_the_grid(cast):
    score_events(missed(cast.city.grid_points[:2]))
    assert Deduction.objects.count() == 2


def test_the_month_is_the_local_month(cast):
    # 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai
    at = datetime(2026, 11, 30, 16, 30, tzinfo=ZoneInfo("UTC"))
    deductions_from_events(missed(cast.city.grid_points[:1], at=at))
    assert Deduction.objects.get().month.isoformat() == "2026-12-01"


def test_an_inactive_rule_scores_nothing(cast):
    DeductionRule.objects.filter(kind="daily_report_missed").update(active=False)
    assert deductions_from_events(missed(cast.city.grid_points)) == 0
    assert not Deduction.objects.exists()
    assert not Notification.objects.exists()


def test_an_unknown_kind_scores_nothing(cast):
    assert deductions_from_events(missed(cast.city.grid_points, kind="no_such_kind")) == 0


@pytest.mark.parametrize(
    ("grade", "responsibility", "points"),
    [
        ("major", "primary", "-2"),
        ("important", "indirect", "-1"),
        ("sudden", "primary", "-2"),
        ("general", "primary", "-1"),
        ("general", "indirect", "-0.5"),
        ("", "primary", "-1"),  # not graded: counted as general
    ],
)
def test_the_grade_picks_the_points(cast, grade, responsibility, points):
    event = ScoreEvent(
        kind="report_late",
        source_model=Report,
        source_id=7,
        target_model=GridPoint,
        target_id=cast.point.pk,
        at=AT,
        grade=grade,
        responsibility=responsibility,
    )
    deductions_from_events([event])
    row = Deduction.objects.get()
    assert row.points == Decimal(points)
    assert (row.grade, row.responsibility) == (grade, responsibility)


def test_a_rule_for_any_grade_applies_whatever_the_grade(cast):
    event = ScoreEvent.of(
        "disposal_overdue", source=cast.point, target=cast.city.townships[0], at=AT, grade="major"
    )
    deductions_from_events([event])
    row = Deduction.objects.get()
    assert (row.points, row.region_id) == (Decimal("-2"), cast.city.townships[0].pk)


def test_one_source_may_score_several_targets_and_responsibilities(cast):
    township, unit = cast.city.townships[0], cast.city.units[0]
    base = {"source": cast.point, "at": AT, "grade": "general"}
    events = [
        ScoreEvent.of("report_late", target=cast.point, **base),
        ScoreEvent.of("report_late", target=township, responsibility="indirect", **base),
        ScoreEvent.of("report_late", target=unit, responsibility="indirect", **base),
    ]
    assert deductions_from_events(events) == 3
    assert deductions_from_events(events) == 0
    assert sorted(Deduction.objects.values_list("points", flat=True)) == [
        Decimal("-1"),
        Decimal("-0.5"),
        Decimal("-0.5"),
    ]


def test_an_event_of_a_target_that_is_gone_is_dropped(cast):
    events = missed(cast.city.grid_points[:1])
    gone = ScoreEvent(
        kind="daily_report_missed",
        source_model=Report,
        source_id=1,
        target_model=GridPoint,
        target_id=987654,
        at=AT,
    )
    assert deductions_from_events([*events, gone]) == 1


def test_a_target_is_a_grid_point_region_or_unit():
    with pytest.raises(TypeError):
        deductions_from_events(
            [
                ScoreEvent(
                    kind="daily_report_missed",
                    source_model=Report,
                    source_id=1,
                    target_model=Report,
                    target_id=1,
                    at=AT,
                )
            ]
        )


def test_the_penalised_party_is_told_once(cast):
    township, unit = cast.city.townships[0], cast.city.units[0]
    events = [
        ScoreEvent.of("daily_report_missed", source=cast.point, target=cast.point, at=AT),
        ScoreEvent.of("disposal_overdue", source=cast.point, target=township, at=AT),
        ScoreEvent.of("reply_late", source=cast.point, target=unit, at=AT),
    ]
    deductions_from_events(events)
    deductions_from_events(events)
    told = sorted(Notification.objects.values_list("recipient_id", "kind"), key=lambda row: row[0])
    assert told == sorted(
        [
            (cast.head.pk, "deduction_recorded"),  # the grid point's head
            (cast.county_admin.pk, "deduction_recorded"),  # the township's county admin
            (cast.liaison.pk, "deduction_recorded"),  # the unit's liaison
        ],
        key=lambda row: row[0],
    )
    assert cast.other_county_admin.pk not in {r for r, _k in told}


def test_the_notice_names_the_target_and_the_local_moment_and_links_the_deduction(cast):
    # given grid point 0 with its head (also one of its grid heads), a second active grid
    # head and one who has left
    second = UserFactory(role=Role.GRID_HEAD, region=cast.point.region, grid_point=cast.point)
    UserFactory(
        role=Role.GRID_HEAD, region=cast.point.region, grid_point=cast.point, is_active=False
    )
    # when the daily report's miss at 15:00 Shanghai time is scored, and a bonus too
    events = missed([cast.point])
    events.append(ScoreEvent.of("report_adopted", source=cast.point, target=cast.point, at=AT))
    deductions_from_events(events)
    # then the head and the active grid head hear of each once, named and linked
    missed_row = Deduction.objects.get(kind="daily_report_missed")
    bonus_row = Deduction.objects.get(kind="report_adopted")
    told = set(Notification.objects.values_list("recipient_id", "kind", "subject", "text", "url"))
    name = GridPoint.objects.get(pk=cast.point.pk).name
    expected = set()
    for row, kind, subject in (
        (missed_row, "deduction_recorded", f"{DeductionKind.DAILY_REPORT_MISSED.label} -1.00"),
        (bonus_row, "deduction_bonus", f"{DeductionKind.REPORT_ADOPTED.label} +2.00"),
    ):
        url = reverse("deduction-detail", args=[row.pk])
        for person in (cast.head, second):
            expected.add((person.pk, kind, subject, f"{name} · 2026-11-30 15:00", url))
    assert told == expected


def test_the_hook_reads_a_fixed_number_of_queries_whatever_the_batch(
    cast, django_assert_num_queries
):
    points = cast.city.grid_points
    deductions_from_events(missed(points[:1], source_offset=100))  # content types cached
    # the rules, the INSERT (joining the grid points' places), the notifications' INSERT
    # (joining their parties)
    for offset, batch in ((200, points[:2]), (300, points)):
        with django_assert_num_queries(3):
            assert deductions_from_events(missed(batch, source_offset=offset)) == len(batch)
    # told again: nothing is new, nobody is told
    with django_assert_num_queries(2):
        assert deductions_from_events(missed(points, source_offset=300)) == 0


def test_deductions_follow_a_region_move(cast):
    village = cast.point.region
    deductions_from_events(missed([cast.point]))
    other_township = cast.city.townships[3]  # in county 1
    region_set_parent(region=village, parent=other_township)
    row = Deduction.objects.get()
    assert row.target_path == Region.objects.get(pk=village.pk).path
    assert row.target_path.startswith(other_township.path)
    assert Deduction.objects.visible_to(cast.other_county_admin).count() == 1
    assert Deduction.objects.visible_to(cast.county_admin).count() == 0


def test_a_unit_target_sits_at_its_region(cast):
    unit = Unit.objects.get(pk=cast.city.units[0].pk)
    deductions_from_events([ScoreEvent.of("reply_late", source=unit, target=unit, at=AT)])
    assert Deduction.objects.get().target_path == unit.region.path


def test_a_late_filing_replaces_the_missed_deduction_of_the_same_row(cast):
    # given the 15:00 sweep scored two grid points' daily reports missed
    points = cast.city.grid_points[:2]
    deductions_from_events(missed(points))
    # when the first files at 16:00 (the same expected row, now late), told twice
    late = missed(points[:1], kind="daily_report_late")
    assert deductions_from_events(late) == 1
    assert deductions_from_events(late) == 0
    # then its missed deduction stops counting, with why, and only the late one counts
    first = {r.kind: r for r in Deduction.objects.filter(grid_point=points[0])}
    assert first["daily_report_missed"].status == DeductionStatus.CANCELLED
    assert first["daily_report_missed"].events.get().actor.is_system
    assert first["daily_report_late"].status == DeductionStatus.COUNTING
    assert sum(r.points for r in Deduction.objects.counting().filter(grid_point=points[0])) == (
        first["daily_report_late"].points
    )
    # and the one still not filed keeps its missed deduction
    assert Deduction.objects.get(grid_point=points[1]).status == DeductionStatus.COUNTING
