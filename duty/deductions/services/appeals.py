"""The appeal of a deduction and a city admin's decision on it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from duty.deductions import notices
from duty.deductions.services.common import (
    MAX_NOTE,
    MAX_REASON,
    NoSuchDeduction,
)
from duty.models import (
    Deduction,
    DeductionAction,
    DeductionEvent,
)
from grid.models import User

# --- appeal and decision ----------------------------------------------------------------------


def _locked(*, user: User, deduction_id: int) -> Deduction:
    from duty.deductions.selectors import deductions_visible_to

    deduction = (
        deductions_visible_to(user)
        .select_for_update(of=("self",))
        .select_related("grid_point", "region", "unit")
        .filter(pk=deduction_id)
        .first()
    )
    if deduction is None:
        raise NoSuchDeduction(_("No such deduction in your jurisdiction."))
    return deduction


def appeal_check(*, deduction: Deduction, by: User) -> None:
    """409 unless the deduction may be appealed now (once, while it counts), then 403 unless
    ``by`` is its penalised party (pages ask before showing a bad payload's errors)."""
    if not can_proceed(deduction.appeal):
        raise TransitionNotAllowed(
            _("This deduction was appealed once already; it cannot be appealed again.")
            if deduction.appealed_at is not None
            else _("This deduction is %(status)s; it cannot be appealed.")
            % {"status": deduction.get_status_display()}
        )
    if not has_transition_perm(deduction.appeal, by):
        raise PermissionDenied(
            _("Only the penalised grid point, county or unit appeals its deductions.")
        )


def decide_check(*, deduction: Deduction, by: User) -> None:
    """409 unless an appeal awaits a decision, then 403 unless ``by`` is a city admin (not
    the one who appealed)."""
    if not can_proceed(deduction.uphold):
        raise TransitionNotAllowed(
            _("This deduction is %(status)s: no appeal awaits a decision.")
            % {"status": deduction.get_status_display()}
        )
    if not has_transition_perm(deduction.uphold, by):
        raise PermissionDenied(_("Only a city admin decides appeals."))


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [required]})
    if len(text) > limit:
        raise ValidationError(
            {
                field: [
                    _("At most %(max)d characters: this text has %(n)d.")
                    % {"max": limit, "n": len(text)}
                ]
            }
        )
    return text


@transaction.atomic
def deduction_appeal(
    *, deduction_id: int, by: User, reason: str, now: datetime | None = None
) -> Deduction:
    """The penalised party contests a deduction, once, with a reason.

    404 outside the jurisdiction, 409 if it was appealed before or cancelled, 403 for anyone
    but the penalised party, 400 without a reason; the city admins are told.
    """
    deduction = _locked(user=by, deduction_id=deduction_id)
    appeal_check(deduction=deduction, by=by)
    text = _text(
        reason, field="reason", required=_("Say why it should not count."), limit=MAX_REASON
    )
    now = now or timezone.now()
    deduction.appeal(by=by, reason=text, now=now)
    deduction.save()
    DeductionEvent.objects.create(
        deduction=deduction, action=DeductionAction.APPEALED, actor=by, at=now, comment=text
    )
    notices.tell_appealed(deduction)
    return deduction


DECISIONS = ("uphold", "cancel")


@transaction.atomic
def deduction_appeal_decide(
    *,
    deduction_id: int,
    by: User,
    decision: str,
    note: str = "",
    now: datetime | None = None,
) -> Deduction:
    """A city admin upholds an appealed deduction (it counts) or cancels it (it stays in the
    history and stops counting), saying why; the penalised party is told.

    404 outside the jurisdiction, 409 if it is not awaiting a decision, 403 for anyone but a
    city admin (and the one who appealed), 400 for a decision not ``uphold``/``cancel`` or no
    note.
    """
    deduction = _locked(user=by, deduction_id=deduction_id)
    decide_check(deduction=deduction, by=by)
    if decision not in DECISIONS:
        raise ValidationError({"decision": [_("Decide: uphold or cancel.")]})
    text = _text(note, field="note", required=_("Say why you decide so."), limit=MAX_NOTE)
    now = now or timezone.now()
    getattr(deduction, decision)(by=by, note=text, now=now)
    deduction.save()
    DeductionEvent.objects.create(
        deduction=deduction,
        action=DeductionAction.UPHELD if decision == "uphold" else DeductionAction.CANCELLED,
        actor=by,
        at=now,
        comment=text,
    )
    notices.tell_decided(deduction)
    return deduction
