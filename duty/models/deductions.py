"""Deductions and bonuses (扣分·加分): the rule table, one row per scored event, its history.

A detector (reports' 24-hour disposal clock, dispatch's late replies, duty's sweeps) tells
:func:`grid.hooks.score_events` what happened;
:func:`duty.deductions.services.deductions_from_events` turns each event into at most one
:class:`Deduction` by the active :class:`DeductionRule` of its kind, grade group and
responsibility. Duty officers record by hand what only a person can
judge (concealment, mishandling, an excellent report). A penalised party appeals once; a city
admin upholds or cancels. Cancelled rows stay, and stop counting.

Scorecards read :class:`Deduction` directly: real foreign keys to the target (grid point,
region or unit), ``month`` indexed with the target, ``status`` saying whether it counts.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from grid.models import GridPoint, Region, Unit
from grid.scoping import JurisdictionQuerySet


class DeductionKind(models.TextChoices):
    """What is scored: the names detectors use (grid.hooks.ScoreEvent.kind), and bonuses."""

    REPORT_LATE = "report_late", _("Late report")  # 迟报 (002)
    REPORT_MISSED = "report_missed", _("Missed or concealed report")  # 漏报·瞒报, by a person
    MISHANDLED = "mishandled", _("Mishandled, grew into a bigger incident")  # 处置不当
    DISPOSAL_OVERDUE = "disposal_overdue", _("No disposal status within 24 hours")
    DAILY_REPORT_MISSED = "daily_report_missed", _("Daily report missing")
    DAILY_REPORT_LATE = "daily_report_late", _("Daily report late")
    RISK_POINTS_MISSED = "risk_points_missed", _("Risk-point list missing")
    RISK_POINTS_LATE = "risk_points_late", _("Risk-point list late")
    HANDOVER_MISSED = "handover_missed", _("Handover missed")
    REPLY_LATE = "reply_late", _("Late response, reply or transfer")  # 001
    BULLETIN_OVERDUE = "bulletin_overdue", _("Overdue case named in a bulletin")  # 001
    PROMISE_BROKEN = "promise_broken", _("Promised item not done on time")  # 001
    # Bonuses (加分)
    REPORT_ADOPTED = "report_adopted", _("Report adopted by leadership")  # 被领导批示采用
    BULLETIN_PRAISED = "bulletin_praised", _("Praised in a bulletin")  # 通报表扬
    ACTION_OUTSTANDING = "action_outstanding", _("Outstanding results in a campaign")  # 001


class GradeGroup(models.TextChoices):
    """The grades a rule applies to, where 002 scores them differently."""

    ANY = "", _("Any grade")
    MAJOR = "major", _("Major or important")  # 重大·重要 (and sudden, difficult)
    GENERAL = "general", _("General")  # 一般


# A case's grade -> the group 002 scores it in; an ungraded case counts as general.
GRADE_GROUPS = {
    "major": GradeGroup.MAJOR,
    "important": GradeGroup.MAJOR,
    "sudden": GradeGroup.MAJOR,
    "difficult": GradeGroup.MAJOR,
    "general": GradeGroup.GENERAL,
    "": GradeGroup.GENERAL,
}


class Responsibility(models.TextChoices):
    """Whose fault: the one mainly responsible (主要责任) or one indirectly so (间接责任)."""

    PRIMARY = "primary", _("Primary responsibility")
    INDIRECT = "indirect", _("Indirect responsibility")


class DeductionRule(models.Model):
    """How many points one event of a kind is worth (negative: a deduction; positive: a bonus).

    Admin-editable and seeded from domain.md's tables (migration ``0002``); a rule switched off
    (``active``) scores nothing from then on. Points are copied onto each deduction when it is
    recorded, so editing a rule never rewrites a past month.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=DeductionKind.choices)
    grade_group = models.CharField(
        _("grades"), max_length=10, choices=GradeGroup.choices, blank=True, default=""
    )
    responsibility = models.CharField(
        _("responsibility"),
        max_length=10,
        choices=Responsibility.choices,
        default=Responsibility.PRIMARY,
    )
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Negative for a deduction, positive for a bonus."),
    )
    label = models.CharField(_("label"), max_length=120)
    # Recorded by a duty officer (what only a person can judge); the others come from sweeps.
    manual = models.BooleanField(_("recorded by hand"), default=False)
    active = models.BooleanField(_("active"), default=True)
    source_note = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("deduction rule")
        verbose_name_plural = _("deduction rules")
        ordering = ["kind", "grade_group", "responsibility"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "grade_group", "responsibility"], name="deduction_rule_unique"
            ),
            models.CheckConstraint(condition=~Q(points=0), name="deduction_rule_points_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points:+g})"

    @property
    def is_bonus(self) -> bool:
        return self.points > 0


class DeductionStatus(models.TextChoices):
    """Whether a deduction counts."""

    COUNTING = "counting", _("Counting")  # recorded, or upheld on appeal
    APPEALED = "appealed", _("Appealed")  # contested; counts until a city admin cancels it
    CANCELLED = "cancelled", _("Cancelled")  # cancelled on appeal: kept, no longer counted


# The statuses whose points count in a month's total (an appeal suspends nothing).
COUNTING_STATUSES = (DeductionStatus.COUNTING, DeductionStatus.APPEALED)


class TargetType(models.TextChoices):
    """What a deduction is against."""

    GRID_POINT = "grid_point", _("Grid point")
    REGION = "region", _("Township or county")
    UNIT = "unit", _("Unit")


class DeductionQuerySet(JurisdictionQuerySet):
    # The target's region path, copied when recorded and moved with the grid (region moves).
    jurisdiction_field = "target_path"

    def counting(self) -> DeductionQuerySet:
        return self.filter(status__in=COUNTING_STATUSES)


def month_of(at: datetime) -> date:
    """The first day of the local (Asia/Shanghai) month ``at`` falls in."""
    return timezone.localtime(at).date().replace(day=1)


def evidence_path(instance: Deduction, filename: str) -> str:
    # No user-supplied name on disk: the content hash names the file (as reports' attachments).
    return f"deductions/{instance.evidence_sha256[:2]}/{instance.evidence_sha256}"


def _can_appeal(instance: Deduction, user) -> bool:
    from duty.deductions.rules import may_appeal

    return may_appeal(user, instance)


def _can_decide(instance: Deduction, user) -> bool:
    from duty.deductions.rules import may_decide

    return may_decide(user, instance)


class Deduction(models.Model):
    """One scored event against one grid point, township or county, or unit.

    Once per source event: kind, source row, responsibility and target are unique together
    (a sweep that tells the same event twice records it once). A manual deduction without a
    source case is its own event.
    """

    rule = models.ForeignKey(
        DeductionRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="deductions",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DeductionKind.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    responsibility = models.CharField(
        _("responsibility"), max_length=10, choices=Responsibility.choices
    )
    grade = models.CharField(_("grade"), max_length=20, blank=True)

    # The target: exactly one of these (a check constraint).
    grid_point = models.ForeignKey(
        GridPoint,
        verbose_name=_("grid point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deductions",
        db_index=False,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("township or county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deductions",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deductions",
        db_index=False,
    )
    target_path = models.CharField(max_length=255, editable=False)

    # What happened: the row that records it (a case, a clock, an expected submission, …).
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("source type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    at = models.DateTimeField(_("happened at"))
    month = models.DateField(_("month"), help_text=_("The first day of the local month of 'at'."))

    status = FSMField(
        _("status"),
        max_length=10,
        choices=DeductionStatus.choices,
        default=DeductionStatus.COUNTING,
        protected=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: recorded by the product itself."),
        db_index=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=50, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_width = models.PositiveIntegerField(null=True, blank=True)
    evidence_height = models.PositiveIntegerField(null=True, blank=True)

    appeal_reason = models.TextField(_("appeal"), blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appealed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = DeductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grid_point__isnull=False, region__isnull=True, unit__isnull=True)
                | Q(grid_point__isnull=True, region__isnull=False, unit__isnull=True)
                | Q(grid_point__isnull=True, region__isnull=True, unit__isnull=False),
                name="deduction_one_target",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="deduction_source_whole",
            ),
            # Once per source event, responsibility and target (NULL sources never clash).
            # Source first: the index also serves the lookup of a source's deductions.
            models.UniqueConstraint(
                "source_type",
                "source_id",
                "kind",
                "responsibility",
                Coalesce("grid_point", 0),
                Coalesce("region", 0),
                Coalesce("unit", 0),
                name="deduction_once_per_source",
            ),
        ]
        # Few indexes: a sweep inserts 15,000 rows at once. The targets' foreign keys have
        # none of their own (deleting a grid point, region, unit, rule or person is rare and
        # protected; its check may scan): what is read is by month and target, by path
        # (scoping), newest first, and by source (the unique constraint). A row has one
        # target: the month's index of grid points is whole (it also serves the month
        # alone), those of regions and units hold only their rows.
        indexes = [
            models.Index(
                fields=["target_path"],
                name="deduction_path_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["month", "grid_point"], name="deduction_month_point"),
            models.Index(
                fields=["month", "region"],
                name="deduction_month_region",
                condition=Q(region__isnull=False),
            ),
            models.Index(
                fields=["month", "unit"],
                name="deduction_month_unit",
                condition=Q(unit__isnull=False),
            ),
            models.Index(fields=["-at", "-id"], name="deduction_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+g}"

    @property
    def target(self) -> GridPoint | Region | Unit:
        return self.grid_point or self.region or self.unit

    @property
    def target_type(self) -> str:
        if self.grid_point_id:
            return TargetType.GRID_POINT
        if self.region_id:
            return TargetType.REGION
        return TargetType.UNIT

    @property
    def target_id(self) -> int:
        return self.grid_point_id or self.region_id or self.unit_id

    @property
    def counts(self) -> bool:
        return self.status in COUNTING_STATUSES

    @property
    def is_bonus(self) -> bool:
        return self.points > 0

    # --- transitions: pure, in memory; see duty.deductions.services --------------------------

    @transition(
        field=status,
        source=DeductionStatus.COUNTING,
        target=DeductionStatus.APPEALED,
        permission=_can_appeal,
        conditions=[lambda self: self.appealed_at is None],
    )
    def appeal(self, *, by, reason: str, now: datetime) -> None:
        """The penalised party contests the deduction, once."""
        self.appeal_reason = reason
        self.appealed_by = by
        self.appealed_at = now

    @transition(
        field=status,
        source=DeductionStatus.APPEALED,
        target=DeductionStatus.COUNTING,
        permission=_can_decide,
    )
    def uphold(self, *, by, note: str, now: datetime) -> None:
        """A city admin upholds it: it counts again and cannot be appealed a second time."""
        self.decision_note = note
        self.decided_by = by
        self.decided_at = now

    @transition(
        field=status,
        source=DeductionStatus.APPEALED,
        target=DeductionStatus.CANCELLED,
        permission=_can_decide,
    )
    def cancel(self, *, by, note: str, now: datetime) -> None:
        """A city admin cancels it: it stays in the history and stops counting."""
        self.decision_note = note
        self.decided_by = by
        self.decided_at = now


class DeductionAction(models.TextChoices):
    """What happened to a deduction (its history)."""

    RECORDED = "recorded", _("Recorded")
    APPEALED = "appealed", _("Appealed")
    UPHELD = "upheld", _("Upheld")
    CANCELLED = "cancelled", _("Cancelled")


class DeductionEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("A deduction's history is append-only.")


class DeductionEvent(models.Model):
    """One entry of a deduction's append-only history: who did what, when, why.

    Deductions the product records itself from a sweep's events carry their creation on the
    row (``created_at``, no ``created_by``, the source); every change after is an event here.
    """

    deduction = models.ForeignKey(Deduction, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=DeductionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    objects = DeductionEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("deduction event")
        verbose_name_plural = _("deduction events")
        ordering = ["deduction", "at", "id"]
        indexes = [models.Index(fields=["deduction", "at"], name="deduction_event_timeline")]

    def __str__(self) -> str:
        return f"{self.deduction_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A deduction's history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A deduction's history is append-only.")
