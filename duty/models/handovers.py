"""The 09:00 handover (交接班): the outgoing person hands over the day's log summary, the
unfinished work (the open cases they hold, listed when they submit) and points to watch; the
incoming person acknowledges. Not both by the deadline: the handover is missed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duty.models.rosters import DutyDay
from reports.models import Report


class Handover(models.Model):
    """The handover that ends a duty day (``outgoing``) and begins the next (``incoming``),
    due at ``due_at`` (the incoming day's start)."""

    outgoing = models.OneToOneField(
        DutyDay, verbose_name=_("outgoing duty"), on_delete=models.PROTECT, related_name="handover"
    )
    incoming = models.OneToOneField(
        DutyDay,
        verbose_name=_("incoming duty"),
        on_delete=models.PROTECT,
        related_name="taken_over",
    )
    due_at = models.DateTimeField(_("due"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("handed over at"))
    log_summary = models.TextField(_("log summary"))
    unfinished = models.TextField(_("unfinished work"), blank=True)
    points_to_watch = models.TextField(_("points to watch"), blank=True)
    # The open cases the outgoing person held when they submitted (at most HELD_CASES listed).
    cases = models.ManyToManyField(
        Report, verbose_name=_("open cases"), blank=True, related_name="+"
    )
    open_cases_total = models.PositiveIntegerField(_("open cases held"), default=0)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-due_at", "id"]

    def __str__(self) -> str:
        return f"{self.outgoing_id} → {self.incoming_id}"
