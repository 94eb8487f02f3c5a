"""The 09:00 handover (交接班): submitted by the outgoing person on duty, acknowledged by the
incoming one, both by the deadline (the incoming duty's ``DUTY_HANDOVER_TIME``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duty.errors import DutyConflict
from duty.handover_kind import HANDOVER, owner_of
from duty.models import DutyDay, Handover
from duty.parse import as_text
from duty.rules import is_on_duty
from duty.services.expected import expected_settle
from duty.times import handover_due, handover_opens
from grid.models import User

MAX_TEXT = 4000


def _incoming_of(day: DutyDay) -> DutyDay | None:
    return (
        DutyDay.objects.filter(
            grid_point_id=day.grid_point_id,
            unit_id=day.unit_id,
            date=day.date + timedelta(days=1),
        )
        .prefetch_related("shifts")
        .first()
    )


@transaction.atomic
def handover_submit(
    *,
    by: User,
    day_id: int,
    log_summary: Any,
    unfinished: Any = "",
    points_to_watch: Any = "",
    now: datetime,
) -> Handover:
    """The outgoing person hands over: the log summary, the unfinished work (the open cases
    they hold are listed by themselves, at most ``HELD_CASES``) and points to watch."""
    from duty.rosters.selectors import HELD_CASES, held_cases_for

    day = (
        DutyDay.objects.visible_to(by)
        .select_for_update(of=("self",))
        .prefetch_related("shifts")
        .get(pk=day_id)
    )
    incoming = _incoming_of(day)
    if incoming is None:
        raise DutyConflict(
            _("Nobody is on the roster for the next day: there is no one to hand over to.")
        )
    if Handover.objects.filter(outgoing=day).exists():
        raise DutyConflict(_("This duty was handed over already."))
    due = handover_due(incoming.date)
    if now < handover_opens(due):
        raise DutyConflict(_("The handover opens a few hours before it is due."))
    if not is_on_duty(by, day):
        raise PermissionDenied(_("Only a person on this duty hands it over."))
    texts = {
        "log_summary": as_text(log_summary).strip(),
        "unfinished": as_text(unfinished).strip(),
        "points_to_watch": as_text(points_to_watch).strip(),
    }
    errors = {
        field: [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
        for field, value in texts.items()
        if len(value) > MAX_TEXT
    }
    if not texts["log_summary"]:
        errors["log_summary"] = [_("Sum up the duty's log for the next person.")]
    if errors:
        raise ValidationError(errors)
    held = held_cases_for(user=by)
    total = held.count()
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                outgoing=day,
                incoming=incoming,
                due_at=due,
                submitted_by=by,
                submitted_at=now,
                open_cases_total=total,
                **texts,
            )
    except IntegrityError:
        raise DutyConflict(_("This duty was handed over already.")) from None
    if total:
        handover.cases.set(list(held.values_list("pk", flat=True)[:HELD_CASES]))
    return handover


@transaction.atomic
def handover_acknowledge(*, by: User, handover_id: int, note: Any = "", now: datetime) -> Handover:
    """The incoming person takes over; on time before the deadline, else the handover stays
    missed (the sweep marks it, with the deadline as the moment)."""
    days = DutyDay.objects.visible_to(by)
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("incoming")
        .get(pk=handover_id, outgoing__in=days)
    )
    if handover.acknowledged_at is not None:
        raise DutyConflict(_("This handover was acknowledged already."))
    if not handover.incoming.shifts.filter(person=by).exists():
        raise PermissionDenied(_("Only a person on the next duty acknowledges the handover."))
    note = as_text(note).strip()
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": [_("At most %(n)d characters.") % {"n": MAX_TEXT}]})
    handover.acknowledged_by = by
    handover.acknowledged_at = now
    handover.acknowledgement_note = note
    handover.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    if now < handover.due_at:
        # On time: the expected submission is settled (compare-and-set; the sweep marks it
        # missed at the due second otherwise, so at 09:00:00 it is too late).
        expected_settle(
            kind=HANDOVER,
            period=handover.incoming.date,
            at=now,
            filing_id=handover.pk,
            **owner_of(handover.incoming),
        )
    return handover
