"""In-app notifications, written in the same transaction as the change they announce.

A notification row is the outbox: it cannot be lost with a crashed worker, because it commits
or rolls back with the change itself. Delivery to other channels (SMS, e-mail) drains
undelivered rows later (``delivered_at``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: what happened (``kind``), to what (``subject``), where to look."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=100)
    text = models.CharField(_("text"), max_length=300, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                name="notification_undelivered",
                condition=Q(delivered_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"
