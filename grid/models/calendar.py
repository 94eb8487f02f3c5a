"""Deadlines as data: the PRC working calendar and the rule of each clock on a case.

The official calendar is "Monday to Friday work, Saturday and Sunday off" with exceptions the
State Council publishes each late autumn for the next year: holidays (放假) and make-up working
days (调休上班, a Saturday or Sunday worked in exchange). :class:`CalendarDay` stores only those
exceptions; :class:`CalendarYear` records which years the table holds, because a day of a year
it does not hold can only be counted as a plain weekday, and the product must say so.
:func:`grid.workdays.add_working_time` counts on them; :class:`ClockRule` says how long each
clock runs (:func:`grid.clocks.deadline_for`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grid.grades import grade_choices

if TYPE_CHECKING:
    from grid.workdays import Deadline

FIRST_YEAR = 1949
LAST_YEAR = 2199


class CalendarKind(models.TextChoices):
    """What an exception to "Monday to Friday work" is."""

    HOLIDAY = "holiday", _("Holiday")  # 放假: off, whatever the weekday
    MAKEUP = "makeup", _("Make-up working day")  # 调休上班: a Saturday or Sunday worked


class CalendarYear(models.Model):
    """A year whose official holiday schedule the working calendar holds.

    Its days are counted with the table's holidays and make-up days; a day of a year without
    a row here counts as a weekday or not by the weekday alone (``Deadline.assumed_weekdays``).
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where the schedule came from: the package, the file, the notice."),
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One exception to "Monday to Friday work": a holiday, or a make-up working day."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarKind.choices)
    name = models.CharField(
        _("name"), max_length=40, blank=True, help_text=_("The holiday, e.g. 春节 or 国庆节.")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    def clean(self) -> None:
        # Only a Saturday or Sunday can be worked in exchange; a weekday is a working day.
        if (
            isinstance(self.date, date)
            and self.kind == CalendarKind.MAKEUP
            and self.date.weekday() < 5
        ):
            raise ValidationError(
                {
                    "kind": gettext(
                        "%(date)s is a weekday: only a Saturday or Sunday can be a make-up "
                        "working day."
                    )
                    % {"date": self.date.isoformat()}
                }
            )


class Clock(models.TextChoices):
    """The clocks that run on a case (domain.md, Deadlines on a case), each with its rules."""

    DISPOSAL = "disposal", _("Disposal status after discovery")
    UNIT_CLAIM = "unit_claim", _("Unit's claim after routing")
    UNIT_REPLY = "unit_reply", _("Unit's written reply after routing")
    CITIZEN_REPLY = "citizen_reply", _("Reply to the citizen")
    VERIFICATION = "verification", _("Verification after a contact slip")
    COMPLEX = "complex", _("Complex case")
    CITY_COORDINATION = "city_coordination", _("Case needing city coordination")


class TimeUnit(models.TextChoices):
    """How a clock's limit is counted (grid.workdays.add_working_time)."""

    HOURS = "hours", _("hours")  # exact
    CALENDAR_DAYS = "calendar_days", _("calendar days")  # to the end of the Nth day after
    WORKING_DAYS = "working_days", _("working days")  # to the end of the Nth working day after


class ClockRule(models.Model):
    """How long one clock runs, for every grade or for one grade (which then wins).

    Edited by system admins; read by :func:`grid.clocks.deadline_for` when a clock starts.
    ``max_limit`` caps extensions; ``remind_at_percent`` and ``grace`` drive the reminder
    sweep (remind at 80 % used; a supervision notice ``grace`` after the deadline passed).
    """

    clock = models.CharField(_("clock"), max_length=32, choices=Clock.choices)
    grade = models.CharField(
        _("grade"),
        max_length=20,
        blank=True,
        choices=grade_choices,
        help_text=_("Empty: every grade that has no rule of its own for this clock."),
    )
    limit = models.PositiveSmallIntegerField(_("limit"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("counted in"), max_length=20, choices=TimeUnit.choices)
    max_limit = models.PositiveSmallIntegerField(
        _("longest with extensions"),
        null=True,
        blank=True,
        help_text=_(
            "In the same unit: the most an extension may make it. Empty: no extension "
            "beyond the limit."
        ),
    )
    remind_at_percent = models.PositiveSmallIntegerField(
        _("remind at (percent used)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    grace = models.PositiveSmallIntegerField(
        _("grace before supervision"),
        default=1,
        help_text=_(
            "In the same unit: how long after the deadline, once urged, a supervision notice "
            "is issued."
        ),
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Where the rule comes from.")
    )

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["clock", "grade"]
        constraints = [
            # One rule per clock and grade: the lookup (grid.clocks) is never ambiguous.
            models.UniqueConstraint(fields=["clock", "grade"], name="clockrule_clock_grade"),
            models.CheckConstraint(condition=Q(limit__gte=1), name="clockrule_limit_positive"),
            models.CheckConstraint(
                condition=Q(max_limit__isnull=True) | Q(max_limit__gte=models.F("limit")),
                name="clockrule_max_not_below_limit",
            ),
            models.CheckConstraint(
                condition=Q(remind_at_percent__gte=1, remind_at_percent__lte=99),
                name="clockrule_remind_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_clock_display()} · {self.get_grade_display()}"

    def clean(self) -> None:
        if self.max_limit is not None and self.limit is not None and self.max_limit < self.limit:
            raise ValidationError(
                {"max_limit": gettext("The longest with extensions cannot be below the limit.")}
            )

    # --- the deadlines this rule gives ---------------------------------------------------

    def deadline_from(self, start: datetime) -> Deadline:
        """When this clock, started at ``start``, runs out."""
        from grid.workdays import add_working_time

        return add_working_time(start, self.limit, self.unit)

    def longest_deadline_from(self, start: datetime) -> Deadline:
        """The latest any extension may move this clock to (``max_limit``, else ``limit``)."""
        from grid.workdays import add_working_time

        return add_working_time(start, self.max_limit or self.limit, self.unit)

    def supervision_after(self, due: datetime) -> Deadline:
        """When a deadline ``due`` that passed calls for a supervision notice (``grace``)."""
        from grid.workdays import add_working_time

        return add_working_time(due, self.grace, self.unit)

    def reminder_at(self, start: datetime, due: datetime) -> datetime:
        """The moment ``remind_at_percent`` of the time from ``start`` to ``due`` is used."""
        from grid.workdays import moment_at_percent

        return moment_at_percent(start, due, self.remind_at_percent)
