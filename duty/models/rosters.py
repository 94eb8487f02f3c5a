"""Rosters (值班表): who is on duty at a grid point or the city platform on each day, with the
leader on duty (带班领导); their clock-ins (到岗打卡), swaps (调班) and short absences.

A duty day runs from its start (``DUTY_START_TIME`` on its date, 09:00) to the next day's
start, when the outgoing person hands over (交接班). The start and end are stored when the day
is written, so a changed setting applies to days written after it and the sweeps and lists
filter on indexed columns. Only :mod:`duty.services` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.models import GRID_POINT_ROLES, GridPoint, Region, Unit
from grid.scoping import JurisdictionQuerySet, jurisdiction_of


class DutyDayQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region__path"

    def visible_to(self, user) -> DutyDayQuerySet:
        """The jurisdiction's rosters; people of a grid point see their own point's only."""
        qs = super().visible_to(user)
        scope = jurisdiction_of(user)
        if scope.everything or user.is_superuser:
            return qs
        if user.role in GRID_POINT_ROLES:
            return qs.filter(grid_point_id=user.grid_point_id)
        return qs


class DutyDay(models.Model):
    """One day of a roster: the desk on duty (a grid point, or the city's sentiment platform),
    when the duty starts and ends, and the leader on duty. Its people are :class:`DutyShift`s."""

    grid_point = models.ForeignKey(
        GridPoint,
        verbose_name=_("grid point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_days",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_days",
    )
    # The grid point's or the platform's region: where the roster sits in the grid (scoping).
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("duty starts"))
    ends_at = models.DateTimeField(_("duty ends"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader on duty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_duty_days",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed"))
    # When the leaders were told that the handover to this duty was missed (once).
    handover_missed_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DutyDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty day")
        verbose_name_plural = _("duty days")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["date", "region"], name="dutyday_date_region"),
            models.Index(fields=["leader", "date"], name="dutyday_leader_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grid_point__isnull=False, unit__isnull=True)
                | Q(grid_point__isnull=True, unit__isnull=False),
                name="dutyday_one_desk",
            ),
            models.UniqueConstraint(
                fields=["grid_point", "date"],
                condition=Q(grid_point__isnull=False),
                name="dutyday_point_date",
            ),
            models.UniqueConstraint(
                fields=["unit", "date"], condition=Q(unit__isnull=False), name="dutyday_unit_date"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="dutyday_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.date}"

    @property
    def desk(self) -> GridPoint | Unit:
        """The grid point or the platform whose roster this is."""
        return self.grid_point if self.grid_point_id else self.unit


class DutyShift(models.Model):
    """A person on duty on a day, and when they clocked in (到岗打卡). A swap approved moves
    the shift to the colleague (``swap`` records which one)."""

    day = models.ForeignKey(
        DutyDay, verbose_name=_("duty day"), on_delete=models.CASCADE, related_name="shifts"
    )
    date = models.DateField(_("date"))  # the day's, for "my next duties" by one index
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on duty"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    clocked_in_at = models.DateTimeField(_("clocked in at"), null=True, blank=True)
    swap = models.ForeignKey(
        "Swap",
        verbose_name=_("taken over by swap"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["person", "date"], name="dutyshift_person_date")]
        constraints = [
            models.UniqueConstraint(fields=["day", "person"], name="dutyshift_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day_id} {self.person_id}"


class SwapState(models.TextChoices):
    """Where a swap request stands."""

    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Swap(models.Model):
    """A request (调班) by the person on duty that a colleague takes their duty of a day, and
    the decision of the grid point's head or the platform's admin. Approved, it moves the
    shift; every request stays on record."""

    day = models.ForeignKey(
        DutyDay, verbose_name=_("duty day"), on_delete=models.CASCADE, related_name="swaps"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleague taking over"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(
        _("state"), max_length=12, choices=SwapState.choices, default=SwapState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["day"], name="swap_pending", condition=Q(state=SwapState.PENDING)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "requester"],
                condition=Q(state=SwapState.PENDING),
                name="swap_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day_id}: {self.requester_id} → {self.colleague_id}"


class Absence(models.Model):
    """A short absence from a running duty (短时离岗), declared with its reason and whereabouts
    and ended on return."""

    shift = models.ForeignKey(
        DutyShift, verbose_name=_("duty shift"), on_delete=models.CASCADE, related_name="absences"
    )
    reason = models.CharField(_("reason"), max_length=300)
    whereabouts = models.CharField(_("whereabouts"), max_length=300)
    started_at = models.DateTimeField(_("left at"))
    ended_at = models.DateTimeField(_("back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["shift", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift"], condition=Q(ended_at__isnull=True), name="absence_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shift_id} {self.started_at:%H:%M}"
