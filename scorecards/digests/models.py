"""Weekly digests sent: one row per leader and week, what they were told (kept as sent)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklyDigest(models.Model):
    """The digest of one week (Monday to Sunday, the city's time) sent to one leader."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    week = models.DateField(_("week"))  # its Monday
    region = models.ForeignKey(
        "grid.Region", verbose_name=_("node"), on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField(_("figures"), default=dict)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week", "leader"]
        constraints = [
            # Sent once per leader and week, however often beat asks.
            models.UniqueConstraint(fields=["leader", "week"], name="weeklydigest_once"),
        ]
        indexes = [models.Index(fields=["leader", "-week"], name="weeklydigest_mine")]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.week}"
