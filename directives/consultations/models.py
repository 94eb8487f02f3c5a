"""A consultation, whom it invites, and the opinions they give."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsultationState(models.TextChoices):
    """Where a consultation stands."""

    # invitees may read the case and give their view
    OPEN = "open", pgettext_lazy("consultation state", "Open")
    CONCLUDED = "concluded", _("Concluded")  # the officer recorded the conclusion


class Consultation(models.Model):
    """A duty officer's request for views on one case, by a deadline, and its conclusion."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, related_name="consultations"
    )
    question = models.TextField(_("question"))
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ConsultationState.choices,
        default=ConsultationState.OPEN,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("views due by"))
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # The routing decided on this conclusion (set by the route hook): kept with it.
    route_event = models.ForeignKey(
        "reports.ReportEvent",
        verbose_name=_("routing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["report", "opened_at", "id"]
        indexes = [models.Index(fields=["report", "opened_at"], name="consultation_case")]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(state="open"),
                name="consultation_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | (Q(concluded_at__isnull=False) & ~Q(conclusion="")),
                name="consultation_concluded_has_conclusion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.question[:40]}"

    @property
    def is_open(self) -> bool:
        return self.state == ConsultationState.OPEN


class Invitee(models.Model):
    """A unit or a leader asked for their view. A unit's liaisons read the case meanwhile."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitees"
    )
    unit = models.ForeignKey(
        "grid.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Copied from the consultation, so the visibility hook reads one table.
    report = models.ForeignKey("reports.Report", on_delete=models.PROTECT, related_name="+")
    is_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["consultation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) ^ Q(leader__isnull=True),
                name="consultation_invitee_one_of",
            ),
            models.UniqueConstraint(
                fields=["consultation", "unit"], name="consultation_invitee_unit_once"
            ),
            models.UniqueConstraint(
                fields=["consultation", "leader"], name="consultation_invitee_leader_once"
            ),
        ]
        indexes = [
            # The visibility hook: the open consultations a unit is invited to.
            models.Index(
                fields=["unit", "report"],
                condition=Q(is_open=True),
                name="consultation_open_unit",
            ),
            models.Index(
                fields=["leader", "report"],
                condition=Q(is_open=True),
                name="consultation_open_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} → {self.unit_id or self.leader_id}"


class Opinion(models.Model):
    """What one invitee said (once), when, and whether after the deadline."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="opinions"
    )
    invitee = models.OneToOneField(Invitee, on_delete=models.CASCADE, related_name="opinion")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("opinion"))
    at = models.DateTimeField(_("at"))
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["consultation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.text[:40]}"
