"""Writing rosters: one day by hand, or a month from a rotation (set-based)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duty.errors import DutyConflict
from duty.models import DutyDay, DutyShift
from duty.parse import as_date, as_id, as_ids
from duty.rules import Desk, leader_candidates, may_keep_roster, on_duty_candidates
from duty.times import duty_span
from grid.models import GridPoint, User

MAX_ON_DUTY = 5  # people on duty at one desk on one day


def _owe_handovers(dates) -> None:
    """Days written for a date whose handovers are already owed (rows created for it: today,
    or a day of the catch-up window) are owed theirs too (idempotent, set-based)."""
    from duty.handover_kind import HANDOVER
    from duty.models import SubmissionPeriod
    from duty.services.expected import expected_create_for

    periods = set(dates) | {d + timedelta(days=1) for d in dates}
    for period in SubmissionPeriod.objects.filter(kind=HANDOVER, period__in=periods).values_list(
        "period", flat=True
    ):
        expected_create_for(kind=HANDOVER, period=period)


def _desk_filter(desk: Desk) -> dict:
    return {"grid_point": desk} if isinstance(desk, GridPoint) else {"unit": desk}


def _check_people(desk: Desk, people: Sequence[int], leader_id: int | None) -> None:
    errors = {}
    if not people:
        errors["people"] = [_("Name at least one person on duty.")]
    elif len(set(people)) != len(people):
        errors["people"] = [_("A person is named twice.")]
    elif len(people) > MAX_ON_DUTY:
        errors["people"] = [_("At most %(n)d people are on duty at once.") % {"n": MAX_ON_DUTY}]
    else:
        known = set(on_duty_candidates(desk).filter(pk__in=people).values_list("pk", flat=True))
        if known != set(people):
            errors["people"] = [_("Only people of this desk may be on duty here.")]
    if leader_id is not None and not leader_candidates(desk).filter(pk=leader_id).exists():
        errors["leader"] = [_("This person may not be the leader on duty here.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def roster_set_day(
    *,
    by: User,
    desk: Desk,
    day: Any,
    people: Any,
    leader_id: Any,
    now: datetime,
) -> DutyDay:
    """Write who is on duty at ``desk`` on ``day`` and the leader on duty (a new day, or a day
    not yet over). People who clocked in stay on it; a day that is over keeps its history."""
    try:
        day = as_date(day, "date")
    except ValidationError:
        day = None  # said after the 409 and 403 checks
    if day is not None and duty_span(day)[1] <= now:
        raise DutyConflict(_("This duty is over: its roster is history now."))
    if not may_keep_roster(by, desk):
        raise PermissionDenied(_("Only the desk's person in charge or an admin keeps its roster."))
    if day is None:
        raise ValidationError({"date": [_("Enter a valid date.")]})
    starts_at, ends_at = duty_span(day)
    people = as_ids(people, "people")
    leader_id = as_id(leader_id, "leader", required=False)
    _check_people(desk, people, leader_id)
    duty, created = DutyDay.objects.select_for_update().get_or_create(
        **_desk_filter(desk),
        date=day,
        defaults={
            "region_id": desk.region_id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "leader_id": leader_id,
            "updated_by": by,
            "updated_at": now,
        },
    )
    if not created:
        if duty.ends_at <= now:
            raise DutyConflict(_("This duty is over: its roster is history now."))
        dropped = duty.shifts.exclude(person_id__in=people)
        if dropped.filter(clocked_in_at__isnull=False).exists():
            raise DutyConflict(_("Someone who clocked in cannot be taken off this duty."))
        dropped.delete()
        duty.leader_id = leader_id
        duty.updated_by = by
        duty.updated_at = now
        duty.save(update_fields=["leader", "updated_by", "updated_at"])
    have = set(duty.shifts.values_list("person_id", flat=True))
    DutyShift.objects.bulk_create(
        [DutyShift(day=duty, date=day, person_id=pk) for pk in people if pk not in have]
    )
    if created:
        _owe_handovers([day])
    return duty


def month_days(month: date) -> list[date]:
    """Every date of ``month``'s month."""
    first = month.replace(day=1)
    return [
        first + timedelta(days=i) for i in range(calendar.monthrange(first.year, first.month)[1])
    ]


@transaction.atomic
def roster_generate(
    *,
    by: User,
    desk: Desk,
    month: date,
    people: Any,
    leaders: Any = (),
    per_day: Any = 1,
    now: datetime,
) -> int:
    """Fill ``desk``'s roster for ``month`` from a rotation: the ``people`` in order, ``per_day``
    a day, round and round, and the ``leaders`` likewise. Days already on the roster and days
    already over are left as they are. Three queries and two INSERTs whatever the month;
    returns how many days were written."""
    if not may_keep_roster(by, desk):
        raise PermissionDenied(_("Only the desk's person in charge or an admin keeps its roster."))
    people, leaders = as_ids(people, "people"), as_ids(list(leaders), "leaders")
    per_day = as_id(per_day, "per_day")
    errors = {}
    if not 1 <= per_day <= min(MAX_ON_DUTY, max(len(people), 1)):
        errors["per_day"] = [_("Between one and the number of people in the rotation.")]
    if len(set(leaders)) != len(leaders):
        errors["leaders"] = [_("A person is named twice.")]
    if errors:
        raise ValidationError(errors)
    try:
        _check_people(desk, people, None)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if leaders and leader_candidates(desk).filter(pk__in=leaders).count() != len(leaders):
        errors["leaders"] = [_("Only people who may lead here may be leaders on duty.")]
    if errors:
        raise ValidationError(errors)
    dates = month_days(month)
    taken = set(
        DutyDay.objects.filter(**_desk_filter(desk), date__in=dates).values_list("date", flat=True)
    )
    rows, persons = [], []
    for index, day in enumerate(dates):
        starts_at, ends_at = duty_span(day)
        if day in taken or ends_at <= now:
            continue
        rows.append(
            DutyDay(
                **_desk_filter(desk),
                region_id=desk.region_id,
                date=day,
                starts_at=starts_at,
                ends_at=ends_at,
                leader_id=leaders[index % len(leaders)] if leaders else None,
                updated_by=by,
                updated_at=now,
            )
        )
        persons.append([people[(index * per_day + k) % len(people)] for k in range(per_day)])
    if not rows:
        return 0
    DutyDay.objects.bulk_create(rows)
    if rows[0].pk is None:  # a database that does not return the new ids
        ids = dict(
            DutyDay.objects.filter(
                **_desk_filter(desk), date__in=[r.date for r in rows]
            ).values_list("date", "pk")
        )
        for row in rows:
            row.pk = ids[row.date]
    DutyShift.objects.bulk_create(
        [
            DutyShift(day_id=row.pk, date=row.date, person_id=pk)
            for row, names in zip(rows, persons, strict=True)
            for pk in names
        ]
    )
    _owe_handovers([row.date for row in rows])
    return len(rows)
