"""The duty log (值班日志): what happened during a duty, append-only.

Entries are never changed or deleted (no service does, the admin is read-only); a correction
is a new entry that names the entry it corrects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duty.models.rosters import DutyDay


class LogKind(models.TextChoices):
    """What an entry records."""

    RECEIVED = "received", _("Instruction received")
    RELAYED = "relayed", _("Instruction relayed")
    CALL = "call", _("Call")
    ACTION = "action", _("Action")
    OTHER = "other", _("Other")


class LogEntry(models.Model):
    """One entry of a day's duty log: when it happened, what, and who wrote it."""

    day = models.ForeignKey(
        DutyDay, verbose_name=_("duty day"), on_delete=models.PROTECT, related_name="log"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LogKind.choices)
    occurred_at = models.DateTimeField(_("time"))
    recorded_at = models.DateTimeField(_("recorded at"))
    text = models.TextField(_("entry"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["day", "occurred_at", "id"]
        indexes = [models.Index(fields=["day", "occurred_at"], name="logentry_day_time")]

    def __str__(self) -> str:
        return f"{self.day_id} {self.occurred_at:%H:%M} {self.kind}"
