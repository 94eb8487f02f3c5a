"""The duty log: append only (there is no service to change or delete an entry). Entries are
written by the people on duty (:func:`log_append`) or, for what they did elsewhere, by the
app that did it (:func:`record_on_duty`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from duty.errors import DutyConflict
from duty.models import DutyDay, DutyShift, LogEntry, LogKind
from duty.parse import as_datetime, as_id, as_text
from duty.rules import may_write_log
from grid.models import User

# Entries may be written this long after the duty ended (what the night left to write).
LATE_ENTRIES = timedelta(hours=12)
MAX_TEXT = 4000


@transaction.atomic
def log_append(
    *,
    by: User,
    day_id: int,
    kind: Any,
    text: Any,
    occurred_at: Any = None,
    corrects_id: Any = None,
    now: datetime,
) -> LogEntry:
    """Add an entry to the day's log, by one of its people on duty or its leader on duty. A
    correction names the entry it corrects (of the same day); the entry itself stays."""
    day = DutyDay.objects.visible_to(by).prefetch_related("shifts").get(pk=day_id)
    if now < day.starts_at:
        raise DutyConflict(_("This duty has not begun: its log opens when it starts."))
    if now >= day.ends_at + LATE_ENTRIES:
        raise DutyConflict(_("This duty's log is closed."))
    if not may_write_log(by, day):
        raise PermissionDenied(_("Only the people on duty and the leader on duty write the log."))
    errors = {}
    text, kind = as_text(text), as_text(kind)
    try:
        at = as_datetime(occurred_at, "occurred_at") or now
    except ValidationError as exc:
        errors.update(exc.message_dict)
        at = now
    try:
        corrects_id = as_id(corrects_id, "corrects", required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        corrects_id = None
    if kind not in LogKind.values:
        errors["kind"] = [_("Choose what the entry records.")]
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("Write what happened.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    if "occurred_at" not in errors and (at < day.starts_at or at > now):
        errors["occurred_at"] = [_("A time during this duty, not in the future.")]
    if corrects_id is not None and not LogEntry.objects.filter(pk=corrects_id, day=day).exists():
        errors["corrects"] = [_("Only an entry of this duty's log can be corrected.")]
    if errors:
        raise ValidationError(errors)
    return LogEntry.objects.create(
        day=day,
        author=by,
        kind=kind,
        text=text,
        occurred_at=at,
        recorded_at=now,
        corrects_id=corrects_id,
    )


def running_duty_of(*, user: User, now: datetime) -> DutyDay | None:
    """The duty ``user`` is on at ``now`` (one of its people or its leader), or None (one
    query; the earliest begun if two overlap)."""
    on_shift = Q(pk__in=DutyShift.objects.filter(person=user).values("day_id"))
    return (
        DutyDay.objects.filter(on_shift | Q(leader=user), starts_at__lte=now, ends_at__gt=now)
        .order_by("starts_at", "id")
        .first()
    )


@transaction.atomic
def record_on_duty(*, by: User, kind: str, text: str, now: datetime) -> LogEntry | None:
    """Append what another app did in the person's name to the log of the duty they are on
    now (e.g. directives: an instruction from above relayed onward), or nothing when they are
    not on duty. Like every entry it is never changed afterwards."""
    if kind not in LogKind.values:
        raise ValueError(f"unknown log kind {kind!r}")
    day = running_duty_of(user=by, now=now)
    if day is None:
        return None
    return LogEntry.objects.create(
        day=day,
        author=by,
        kind=kind,
        text=text.strip()[:MAX_TEXT],
        occurred_at=now,
        recorded_at=now,
    )
