"""The deadlines the beat sweep watches, the steps it takes, and supervision notices.

Each running deadline of a routing is a :class:`Clock` with the moments of its steps stored
(reminder at the rule's share of the time, urging when due, supervision after the grace
period) and the next one (``next_at``, partially indexed: a sweep reads only clocks with a step
due). A step taken is a :class:`ClockStep`, unique per clock and kind: two sweeps at once, or
one run twice, write it once. A deadline that moves (an extension, a new promise) stops its
clock and starts another, so the new deadline gets its own steps.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.models.assignment import Assignment
from dispatch.models.choices import ClockKind, ClockOutcome, ClockStepKind
from grid.models import Unit
from reports.models import Report

STEP_ORDER = (ClockStepKind.REMIND, ClockStepKind.URGE, ClockStepKind.SUPERVISE)


class Clock(models.Model):
    """One deadline of one unit on one routing: claim, reply or promised completion."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("routing"), on_delete=models.PROTECT, related_name="clocks"
    )
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("deadline"), max_length=10, choices=ClockKind.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    assumed_weekdays = models.BooleanField(default=False)
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)
    supervise_at = models.DateTimeField(_("supervision at"), null=True, blank=True)
    # The next step to take and when; null while nothing is to be done (stopped, or paused
    # while the unit's reply awaits review).
    next_step = models.CharField(max_length=10, choices=ClockStepKind.choices, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ClockOutcome.choices, blank=True)

    class Meta:
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")
        ordering = ["assignment", "started_at", "id"]
        indexes = [
            # The sweep: clocks with a step due, soonest first (nothing else is in the index).
            models.Index(fields=["next_at"], name="clock_due", condition=Q(next_at__isnull=False)),
            models.Index(fields=["assignment", "kind"], name="clock_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.kind} {self.unit_id} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def moment_of(self, step: str):
        """When ``step`` falls due on this clock (None: the rule has no such step)."""
        return {
            ClockStepKind.REMIND: self.remind_at,
            ClockStepKind.URGE: self.due_at,
            ClockStepKind.SUPERVISE: self.supervise_at,
        }[step]

    def step_after(self, step: str | None) -> tuple[str, object] | tuple[str, None]:
        """The first step after ``step`` (None: from the start) that the rule has, and when."""
        start = 0 if step is None else STEP_ORDER.index(step) + 1
        for kind in STEP_ORDER[start:]:
            moment = self.moment_of(kind)
            if moment is not None:
                return kind, moment
        return "", None


class ClockStep(models.Model):
    """A reminder, urging (催办) or supervision (督办) taken on a clock, once, at the moment it
    fell due (not when the sweep ran): what scorecards count."""

    clock = models.ForeignKey(
        Clock, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="steps"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("step"), max_length=10, choices=ClockStepKind.choices)
    due_at = models.DateTimeField(_("due at"))  # the moment of the step
    taken_at = models.DateTimeField(_("taken at"))  # when the sweep took it

    class Meta:
        verbose_name = _("reminder or urging")
        verbose_name_plural = _("reminders and urgings")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["unit", "kind", "due_at"], name="clockstep_unit")]
        constraints = [
            models.UniqueConstraint(fields=["clock", "kind"], name="clockstep_once"),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind} {self.due_at:%Y-%m-%d %H:%M}"


class SupervisionNotice(models.Model):
    """A supervision notice (督办函) to a unit past a deadline and its grace period: the case,
    the deadlines missed, what is demanded, and the written explanation (书面说明) the unit
    must record by ``explanation_due_at``. Printable as an A4 letter."""

    step = models.OneToOneField(
        ClockStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="notice"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("routing"), on_delete=models.PROTECT, related_name="notices"
    )
    report = models.ForeignKey(
        Report, verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    # [{"clock": "reply", "due_at": "2026-10-10T16:00:00+00:00", "assumed_weekdays": false}]
    missed = models.JSONField(_("deadlines missed"), default=list)
    demand = models.TextField(_("what is demanded"))
    explanation_due_at = models.DateTimeField(_("written explanation due"))
    explanation_due_assumed = models.BooleanField(default=False)
    explanation = models.TextField(_("written explanation"), blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("explained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-issued_at"], name="notice_unit"),
            models.Index(fields=["report", "issued_at"], name="notice_report"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The notice's number as printed: 督办〔year〕id号."""
        return f"督办〔{self.issued_at:%Y}〕{self.pk}号"
