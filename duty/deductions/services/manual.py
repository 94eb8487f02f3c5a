"""Deductions and bonuses recorded by hand, with reason and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duty.deductions import notices
from duty.deductions.rules import may_record
from duty.deductions.services.common import (
    MAX_REASON,
    active_rules,
    rule_for,
)
from duty.deductions.services.events import _target_column
from duty.models import (
    Deduction,
    DeductionAction,
    DeductionEvent,
    Responsibility,
    month_of,
)
from grid.models import GridPoint, Level, Region, Unit, User

# --- by hand ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """An upload that passed reports' attachment checks (an image or a PDF)."""

    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def check_evidence(upload: UploadedFile) -> Evidence:
    """Check one evidence file as reports check attachments (by content); ValidationError."""
    from reports.attachments import check_attachments

    checked = check_attachments([upload])[0]
    return Evidence(
        checked.upload,
        checked.name,
        checked.content_type,
        checked.size,
        checked.sha256,
        checked.width,
        checked.height,
    )


def _store_evidence(deduction: Deduction, evidence: Evidence) -> None:
    deduction.evidence_name = evidence.name
    deduction.evidence_type = evidence.content_type
    deduction.evidence_size = evidence.size
    deduction.evidence_sha256 = evidence.sha256
    deduction.evidence_width = evidence.width
    deduction.evidence_height = evidence.height
    name = deduction.evidence.field.generate_filename(deduction, evidence.name)
    # Content-addressed: the same bytes are stored once, whoever uploads them.
    if not default_storage.exists(name):
        name = default_storage.save(name, evidence.upload)
    deduction.evidence.name = name


@transaction.atomic
def deduction_record(
    *,
    by: User,
    kind: str,
    target: GridPoint | Region | Unit | None,
    reason: str,
    grade: str = "",
    responsibility: str = Responsibility.PRIMARY,
    at: datetime | None = None,
    source: models.Model | None = None,
    evidence: UploadedFile | None = None,
    now: datetime | None = None,
) -> Deduction:
    """A duty officer's deduction or bonus by hand (what only a person can judge), with reason
    and evidence: 403 for anyone else, then every bad field at once (``ValidationError`` by
    field); the same source, kind, responsibility and target a second time is refused too.

    ``target`` must lie in ``by``'s jurisdiction (the caller looked it up so); ``source`` is
    the case it concerns, if any; ``evidence`` an image or PDF (checked by its bytes).
    """
    if not may_record(by):
        raise PermissionDenied(_("Only city duty officers record deductions by hand."))
    now = now or timezone.now()
    at = at or now
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("Say why: what happened, and where it is seen."))
    elif len(reason) > MAX_REASON:
        errors.setdefault("reason", []).append(
            _("At most %(max)d characters: this text has %(n)d.")
            % {"max": MAX_REASON, "n": len(reason)}
        )
    if target is None:
        errors.setdefault("target", []).append(_("Choose whom it is against."))
    elif isinstance(target, Region) and target.level not in (Level.TOWNSHIP, Level.COUNTY):
        errors.setdefault("target", []).append(
            _("A deduction is against a township or a county, not a %(level)s.")
            % {"level": target.get_level_display()}
        )
    if at > now:
        errors.setdefault("at", []).append(_("It cannot have happened in the future."))
    if responsibility not in Responsibility.values:
        errors.setdefault("responsibility", []).append(_("Choose a responsibility."))
    rule = rule_for(active_rules(), kind=kind, grade=grade, responsibility=responsibility)
    if rule is None or not rule.manual:
        errors.setdefault("kind", []).append(
            _("No active rule scores this by hand: choose another kind or responsibility.")
        )
    checked = None
    if evidence is not None:
        try:
            checked = check_evidence(evidence)
        except ValidationError as exc:
            errors.setdefault("evidence", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    column = _target_column(type(target)).removesuffix("_id")
    path = target.path if isinstance(target, Region) else target.region.path
    deduction = Deduction(
        rule=rule,
        kind=rule.kind,
        points=rule.points,
        responsibility=rule.responsibility,
        grade=grade or "",
        target_path=path,
        at=at,
        month=month_of(at),
        created_by=by,
        created_at=now,
        reason=reason,
        **{column: target},
    )
    if source is not None:
        deduction.source_type = ContentType.objects.get_for_model(type(source))
        deduction.source_id = source.pk
        duplicate = Deduction.objects.filter(
            kind=deduction.kind,
            source_type=deduction.source_type,
            source_id=source.pk,
            responsibility=deduction.responsibility,
            **{column: target},
        ).exists()
        if duplicate:
            raise ValidationError(
                {"source": [_("This is already recorded for this case, against this target.")]}
            )
    if checked is not None:
        _store_evidence(deduction, checked)
    deduction.save()
    DeductionEvent.objects.create(
        deduction=deduction, action=DeductionAction.RECORDED, actor=by, at=now, comment=reason
    )
    notices.tell_recorded(
        [(deduction.pk, at)],
        column=f"{column}_id",
        kind=deduction.kind,
        points=deduction.points,
    )
    return deduction
