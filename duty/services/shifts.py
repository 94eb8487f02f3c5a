"""A person's duty: clock-in (到岗打卡), swaps by request and approval (调班), short absences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duty.errors import DutyConflict
from duty.models import Absence, DutyDay, DutyShift, Swap, SwapState
from duty.parse import as_bool, as_id, as_text
from duty.rules import may_keep_roster, on_duty_candidates
from duty.times import clock_in_opens
from grid.models import User


def _shift_for(by: User, shift_id: int, *, lock: bool = True) -> DutyShift:
    """The shift, if its day is in ``by``'s jurisdiction (404 otherwise), locked."""
    days = DutyDay.objects.visible_to(by)
    qs = DutyShift.objects.select_related("day", "day__grid_point", "day__unit", "day__region")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=shift_id, day__in=days)


@transaction.atomic
def shift_clock_in(*, by: User, shift_id: int, now: datetime) -> DutyShift:
    """Record that the person on duty arrived (once; late if after the duty's start)."""
    shift = _shift_for(by, shift_id)
    day = shift.day
    if shift.clocked_in_at is not None:
        raise DutyConflict(_("You already clocked in for this duty."))
    if now < clock_in_opens(day.starts_at):
        raise DutyConflict(_("Clock-in opens an hour before the duty starts."))
    if now >= day.ends_at:
        raise DutyConflict(_("This duty is over."))
    if shift.person_id != by.pk:
        raise PermissionDenied(_("Only the person on duty clocks in."))
    shift.clocked_in_at = now
    shift.save(update_fields=["clocked_in_at"])
    return shift


def _clean_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


@transaction.atomic
def swap_request(*, by: User, shift_id: int, colleague_id: Any, reason: Any, now: datetime) -> Swap:
    """The person on duty asks that ``colleague`` take their duty of that day (pending until
    the person in charge approves)."""
    shift = _shift_for(by, shift_id)
    day = shift.day
    if now >= day.starts_at:
        raise DutyConflict(_("This duty has begun: it can no longer be swapped."))
    if Swap.objects.filter(day=day, requester=by, state=SwapState.PENDING).exists():
        raise DutyConflict(_("You already asked for a swap of this duty."))
    if shift.person_id != by.pk:
        raise PermissionDenied(_("Only the person on duty asks for a swap of their duty."))
    reason = _clean_text(as_text(reason), "reason", _("Say why you ask for a swap."))
    colleague_id = as_id(colleague_id, "colleague")
    if colleague_id == by.pk:
        raise ValidationError({"colleague": [_("Name the colleague who takes over.")]})
    if not on_duty_candidates(day.desk).filter(pk=colleague_id).exists():
        raise ValidationError({"colleague": [_("Only a colleague of this desk may take over.")]})
    if day.shifts.filter(person_id=colleague_id).exists():
        raise ValidationError({"colleague": [_("This colleague is already on duty that day.")]})
    return Swap.objects.create(
        day=day, requester=by, colleague_id=colleague_id, reason=reason, requested_at=now
    )


def _swap_for(by: User, swap_id: int) -> Swap:
    days = DutyDay.objects.visible_to(by)
    return (
        Swap.objects.select_for_update(of=("self",))
        .select_related("day", "day__grid_point", "day__unit", "day__region")
        .get(pk=swap_id, day__in=days)
    )


@transaction.atomic
def swap_decide(*, by: User, swap_id: int, approve: Any, note: Any = "", now: datetime) -> Swap:
    """The person in charge approves (the colleague takes the shift) or rejects a swap."""
    swap = _swap_for(by, swap_id)
    day = swap.day
    if swap.state != SwapState.PENDING:
        raise DutyConflict(_("This request was decided or withdrawn meanwhile."))
    if now >= day.starts_at:
        raise DutyConflict(_("This duty has begun: it can no longer be swapped."))
    if not may_keep_roster(by, day.desk):
        raise PermissionDenied(_("Only the desk's person in charge or an admin decides swaps."))
    approve = as_bool(approve, "approve")
    if approve:
        shift = DutyShift.objects.select_for_update().filter(day=day, person=swap.requester_id)
        shift = shift.first()
        if shift is None:
            raise DutyConflict(_("The requester is no longer on duty that day."))
        if day.shifts.filter(person_id=swap.colleague_id).exists():
            raise DutyConflict(_("The colleague is already on duty that day."))
        shift.person_id = swap.colleague_id
        shift.swap = swap
        try:
            with transaction.atomic():
                shift.save(update_fields=["person", "swap"])
        except IntegrityError:
            raise DutyConflict(_("The colleague is already on duty that day.")) from None
        DutyDay.objects.filter(pk=day.pk).update(updated_by=by, updated_at=now)
    swap.state = SwapState.APPROVED if approve else SwapState.REJECTED
    swap.decided_by = by
    swap.decided_at = now
    swap.decision_note = as_text(note).strip()
    swap.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return swap


@transaction.atomic
def swap_withdraw(*, by: User, swap_id: int, now: datetime) -> Swap:
    """The requester takes back a request not yet decided."""
    swap = _swap_for(by, swap_id)
    if swap.state != SwapState.PENDING:
        raise DutyConflict(_("This request was decided or withdrawn meanwhile."))
    if swap.requester_id != by.pk:
        raise PermissionDenied(_("Only the requester withdraws a request."))
    swap.state = SwapState.WITHDRAWN
    swap.decided_at = now
    swap.save(update_fields=["state", "decided_at"])
    return swap


@transaction.atomic
def absence_declare(
    *, by: User, shift_id: int, reason: Any, whereabouts: Any, now: datetime
) -> Absence:
    """The person on duty leaves for a short while, saying why and where they are."""
    shift = _shift_for(by, shift_id)
    day = shift.day
    if not day.starts_at <= now < day.ends_at:
        raise DutyConflict(_("An absence is declared during the duty."))
    if shift.absences.filter(ended_at__isnull=True).exists():
        raise DutyConflict(_("You are already away: end that absence first."))
    if shift.person_id != by.pk:
        raise PermissionDenied(_("Only the person on duty declares their absence."))
    reason, whereabouts = as_text(reason), as_text(whereabouts)
    errors = {}
    for field, value, message in (
        ("reason", reason, _("Say why you leave.")),
        ("whereabouts", whereabouts, _("Say where you can be found.")),
    ):
        if not (value or "").strip():
            errors[field] = [message]
        elif len(value.strip()) > 300:
            errors[field] = [_("At most 300 characters.")]
    if errors:
        raise ValidationError(errors)
    return Absence.objects.create(
        shift=shift, reason=reason.strip(), whereabouts=whereabouts.strip(), started_at=now
    )


@transaction.atomic
def absence_end(*, by: User, absence_id: int, now: datetime) -> Absence:
    """The person on duty is back."""
    days = DutyDay.objects.visible_to(by)
    absence = (
        Absence.objects.select_for_update(of=("self",))
        .select_related("shift")
        .get(pk=absence_id, shift__day__in=days)
    )
    if absence.ended_at is not None:
        raise DutyConflict(_("This absence has ended already."))
    if absence.shift.person_id != by.pk:
        raise PermissionDenied(_("Only the person who left ends their absence."))
    absence.ended_at = max(now, absence.started_at)
    absence.save(update_fields=["ended_at"])
    return absence
