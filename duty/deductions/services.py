"""Writes on deductions: from detectors' score events (set-based), by hand, appeals, decisions.

- :func:`deductions_from_events` is the hook detectors reach through
  :func:`grid.hooks.score_events` (registered in ``DutyConfig.ready()``): one INSERT … ON
  CONFLICT DO NOTHING per thousand events, whatever their number, so a sweep telling 15,000
  misses — or telling them again — costs a handful of statements, and each event counts once.
- :func:`deduction_record` is a duty officer's manual deduction or bonus, with reason and
  evidence.
- :func:`deduction_appeal` and :func:`deduction_appeal_decide` lock the row, answer in the
  product's order (404 outside the jurisdiction, 409 wrong state, 403 not yours, 400 bad
  payload), change it, append a :class:`~duty.models.DeductionEvent` and tell people in the
  same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from duty.deductions import notices
from duty.deductions.rules import may_record
from duty.models import (
    GRADE_GROUPS,
    Deduction,
    DeductionAction,
    DeductionEvent,
    DeductionRule,
    DeductionStatus,
    GradeGroup,
    Responsibility,
    month_of,
)
from grid.hooks import RegionMoved, ScoreEvent
from grid.models import GridPoint, Level, Region, Unit, User

# Rows per INSERT statement (SQLite takes at most 32,766 parameters: 30 columns × 1,000).
BATCH = 1000
MAX_REASON = 2000
MAX_NOTE = 2000


class NoSuchDeduction(Deduction.DoesNotExist):
    """Not a deduction the person may see (another city's looks the same)."""


# --- choosing the rule ------------------------------------------------------------------------


RuleKey = tuple[str, str, str]  # kind, grade group, responsibility


def active_rules() -> dict[RuleKey, DeductionRule]:
    """The active rules by kind, grade group and responsibility (one query)."""
    return {
        (rule.kind, rule.grade_group, rule.responsibility): rule
        for rule in DeductionRule.objects.filter(active=True)
    }


def rule_for(
    rules: dict[RuleKey, DeductionRule], *, kind: str, grade: str, responsibility: str
) -> DeductionRule | None:
    """The rule that scores an event: the one of its grade's group if the kind has such rules,
    else the kind's rule for any grade; None when no active rule scores it."""
    group = GRADE_GROUPS.get(grade or "", GradeGroup.GENERAL)
    return rules.get((kind, group, responsibility)) or rules.get(
        (kind, GradeGroup.ANY, responsibility)
    )


# --- from detectors' events (the hook) ----------------------------------------------------


def _target_column(model: type) -> str:
    if issubclass(model, GridPoint):
        return "grid_point_id"
    if issubclass(model, Region):
        return "region_id"
    if issubclass(model, Unit):
        return "unit_id"
    raise TypeError(f"A deduction is against a grid point, a region or a unit, not {model!r}.")


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _Target:
    path: str
    name: str
    level: str = ""  # a region's level
    head_id: int | None = None  # a grid point's head


def _targets(column: str, ids: set[int]) -> dict[int, _Target]:
    """Where each target sits in the grid (its region's path), in one query per 5,000."""
    found: dict[int, _Target] = {}
    for chunk in _chunks(sorted(ids), 5000):
        if column == "grid_point_id":
            rows = GridPoint.objects.filter(pk__in=chunk).values_list(
                "pk", "region__path", "name", "head_id"
            )
            found.update({pk: _Target(path, name, head_id=head) for pk, path, name, head in rows})
        elif column == "region_id":
            rows = Region.objects.filter(pk__in=chunk).values_list("pk", "path", "name", "level")
            found.update({pk: _Target(path, name, level) for pk, path, name, level in rows})
        else:
            rows = Unit.objects.filter(pk__in=chunk).values_list("pk", "region__path", "name")
            found.update({pk: _Target(path, name) for pk, path, name in rows})
    return found


@dataclass
class _Row:
    """A deduction about to be inserted by the hook (plain values, no model instance)."""

    rule_id: int
    kind: str
    points: object  # Decimal
    responsibility: str
    grade: str
    grid_point_id: int | None
    region_id: int | None
    unit_id: int | None
    target_path: str
    source_type_id: int
    source_id: int
    at: datetime
    month: object  # date
    pk: int | None = None

    @property
    def key(self) -> tuple:
        return (
            self.kind,
            self.source_type_id,
            self.source_id,
            self.responsibility,
            self.grid_point_id,
            self.region_id,
            self.unit_id,
        )


# The columns the hook writes, with their PostgreSQL array types (``unnest``); every other
# column is written as its constant: NULL if nullable, else '' (checked at import).
_WRITTEN = {
    "rule_id": "bigint",
    "kind": "text",
    "points": "numeric",
    "responsibility": "text",
    "grade": "text",
    "grid_point_id": "bigint",
    "region_id": "bigint",
    "unit_id": "bigint",
    "target_path": "text",
    "source_type_id": "integer",
    "source_id": "bigint",
    "at": "timestamptz",
    "month": "date",
    "status": "text",
    "created_at": "timestamptz",
}
_KEY_COLUMNS = (
    "kind",
    "source_type_id",
    "source_id",
    "responsibility",
    "grid_point_id",
    "region_id",
    "unit_id",
)


def _constants() -> dict[str, str]:
    constants = {}
    for f in Deduction._meta.concrete_fields:
        if f.primary_key or f.column in _WRITTEN:
            continue
        if f.null:
            constants[f.column] = "NULL"
        elif f.get_default() == "":
            constants[f.column] = "''"
        else:  # pragma: no cover - a new column the hook must learn to write
            raise TypeError(f"deductions_from_events does not write {f.column}")
    return constants


_CONSTANTS = _constants()


def _insert(rows: list[_Row], *, now: datetime) -> list[_Row]:
    """INSERT the rows, skipping any an earlier call recorded (the unique constraint); the
    rows inserted, with their ids.

    Written by hand because Django's ``bulk_create(ignore_conflicts=True)`` returns no ids
    (the people to tell are those of the rows that are new), and because building 15,000 model
    instances costs more than the statement. On PostgreSQL one ``INSERT … SELECT FROM unnest``
    per 5,000 rows, elsewhere (SQLite 3.35+) one ``INSERT … VALUES`` per ``BATCH``; both
    ``ON CONFLICT DO NOTHING RETURNING``.
    """
    ops = connection.ops
    table = ops.quote_name(Deduction._meta.db_table)
    written = list(_WRITTEN)
    columns = ", ".join(ops.quote_name(c) for c in [*written, *_CONSTANTS])
    constants = ", ".join(_CONSTANTS.values())
    returning = ", ".join(ops.quote_name(c) for c in ("id", *_KEY_COLUMNS))
    created = ops.adapt_datetimefield_value(now)
    times: dict = {}
    days: dict = {}
    points: dict = {}

    def values(row: _Row) -> tuple:
        at = times.get(row.at)
        if at is None:
            at = times[row.at] = ops.adapt_datetimefield_value(row.at)
        month = days.get(row.month)
        if month is None:
            month = days[row.month] = ops.adapt_datefield_value(row.month)
        amount = points.get(row.points)
        if amount is None:
            amount = points[row.points] = ops.adapt_decimalfield_value(row.points, 6, 2)
        return (
            row.rule_id,
            row.kind,
            amount,
            row.responsibility,
            row.grade,
            row.grid_point_id,
            row.region_id,
            row.unit_id,
            row.target_path,
            row.source_type_id,
            row.source_id,
            at,
            month,
            DeductionStatus.COUNTING.value,
            created,
        )

    by_key = {row.key: row for row in rows}
    inserted: list[_Row] = []
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 5000 if postgres else BATCH):
            table_rows = [values(row) for row in chunk]
            if postgres:
                arrays = [list(column) for column in zip(*table_rows, strict=True)]
                unnest = ", ".join(f"%s::{_WRITTEN[c]}[]" for c in written)
                sql = f"INSERT INTO {table} ({columns}) SELECT *, {constants} "
                sql += f"FROM unnest({unnest}) "
                params = arrays
            else:
                one = "(" + ", ".join(["%s"] * len(written)) + f", {constants})"
                sql = f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
                sql += ", ".join([one] * len(chunk)) + " "
                params = [value for row in table_rows for value in row]
            sql += f"ON CONFLICT DO NOTHING RETURNING {returning}"
            cursor.execute(sql, params)
            for pk, *key in cursor.fetchall():
                row = by_key[tuple(key)]
                row.pk = pk
                inserted.append(row)
    return inserted


# A late filing of what the sweep had already marked missed (the daily report filed at 16:00)
# is scored as late, not as both: its deduction replaces the missed one of the same row.
SUPERSEDES = {
    "daily_report_late": "daily_report_missed",
    "risk_points_late": "risk_points_missed",
}


def _supersede(inserted: Sequence[_Row], *, now: datetime) -> int:
    """Cancel the counting deductions that the new ``inserted`` ones replace (one UPDATE and
    one INSERT of their history per kind, as the product); the number cancelled."""
    sources: dict[tuple[str, int], list[int]] = {}
    for row in inserted:
        replaced = SUPERSEDES.get(row.kind)
        if replaced:
            sources.setdefault((replaced, row.source_type_id), []).append(row.source_id)
    cancelled = 0
    for (kind, source_type_id), source_ids in sources.items():
        superseded = Deduction.objects.filter(
            kind=kind,
            source_type_id=source_type_id,
            source_id__in=source_ids,
            status__in=[DeductionStatus.COUNTING, DeductionStatus.APPEALED],
        )
        ids = list(superseded.values_list("pk", flat=True))
        if not ids:
            continue
        note = _("Filed late: the late filing's deduction replaces this one.")
        system = User.objects.system()
        Deduction.objects.filter(pk__in=ids).update(
            status=DeductionStatus.CANCELLED, decision_note=note, decided_at=now
        )
        DeductionEvent.objects.bulk_create(
            DeductionEvent(
                deduction_id=pk,
                action=DeductionAction.CANCELLED,
                actor=system,
                at=now,
                comment=note,
            )
            for pk in ids
        )
        cancelled += len(ids)
    return cancelled


def deductions_from_events(events: Sequence[ScoreEvent]) -> int:
    """Record a deduction (or bonus) for each event an active rule scores; the number new.

    Set-based: the rules in one query, the targets' places in one query per kind of target
    (and 5,000 targets), the rows in one INSERT per 5,000 (SQLite: 1,000), skipping those
    recorded before (a sweep run twice, or two at once, records each event once), the people
    to tell in one query per kind of target and one INSERT. An event no active rule scores is
    dropped; an event of a target that no longer exists is dropped too.
    """
    if not events:
        return 0
    rules = active_rules()
    scored = []
    for event in events:
        rule = rule_for(
            rules, kind=event.kind, grade=event.grade, responsibility=event.responsibility
        )
        if rule is not None:
            scored.append((event, rule, _target_column(event.target_model)))
    if not scored:
        return 0
    wanted: dict[str, set[int]] = {}
    for event, _rule, column in scored:
        wanted.setdefault(column, set()).add(event.target_id)
    places = {column: _targets(column, ids) for column, ids in wanted.items()}
    content_types = ContentType.objects.get_for_models(*{e.source_model for e, _r, _c in scored})
    months: dict = {}
    rows: dict[tuple, _Row] = {}
    for event, rule, column in scored:
        target = places[column].get(event.target_id)
        if target is None:
            continue
        month = months.get(event.at)
        if month is None:
            month = months[event.at] = month_of(event.at)
        row = _Row(
            rule_id=rule.pk,
            kind=rule.kind,
            points=rule.points,
            responsibility=rule.responsibility,
            grade=event.grade or "",
            grid_point_id=event.target_id if column == "grid_point_id" else None,
            region_id=event.target_id if column == "region_id" else None,
            unit_id=event.target_id if column == "unit_id" else None,
            target_path=target.path,
            source_type_id=content_types[event.source_model].pk,
            source_id=event.source_id,
            at=event.at,
            month=month,
        )
        rows.setdefault(row.key, row)  # the same event told twice in one batch is one row
    now = timezone.now()
    inserted = _insert(list(rows.values()), now=now)
    _supersede(inserted, now=now)
    if inserted:
        notices.tell_recorded(
            [
                notices.Recorded(
                    deduction_id=row.pk,
                    kind=row.kind,
                    points=row.points,
                    grid_point_id=row.grid_point_id,
                    region_id=row.region_id,
                    unit_id=row.unit_id,
                    at=row.at,
                )
                for row in inserted
            ],
            places=places,
        )
    return len(inserted)


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
        [
            notices.Recorded(
                deduction_id=deduction.pk,
                kind=deduction.kind,
                points=deduction.points,
                grid_point_id=deduction.grid_point_id,
                region_id=deduction.region_id,
                unit_id=deduction.unit_id,
                at=at,
            )
        ],
        places={
            f"{column}_id": {
                target.pk: _Target(
                    path,
                    str(target),
                    level=getattr(target, "level", ""),
                    head_id=getattr(target, "head_id", None),
                )
            }
        },
    )
    return deduction


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


# --- the grid moves ---------------------------------------------------------------------------


def deductions_follow_region_move(move: RegionMoved) -> int:
    """Rewrite the target path prefix of every deduction of the moved subtree (one UPDATE),
    so scoping keeps following the grid; registered with :mod:`grid.hooks`."""
    return Deduction.objects.filter(target_path__startswith=move.old_path).update(
        target_path=Concat(
            Value(move.new_path),
            Substr("target_path", len(move.old_path) + 1),
            output_field=CharField(),
        )
    )
