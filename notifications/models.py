"""Notifications: the outbox written with each change, and their delivery beyond the bell.

A :class:`Notification` row is the outbox: it commits or rolls back with the change it
announces, so it cannot be lost with a crashed worker or a broker that is down. The bell and
the list page read these rows (in-app delivery is the row itself). A drain task
(``notifications.delivery``) hands each undelivered row to the person's other channels: it
writes one :class:`Delivery` per channel (or leaves the row for the person's daily digest) and
marks the row ``delivered_at``; then it sends the deliveries that are due, recording each try
as a :class:`DeliveryAttempt`, retrying failures with backoff (``next_attempt_at``, swept)
until ``NOTIFICATIONS_MAX_ATTEMPTS``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.scoping import JurisdictionQuerySet
from notifications.channels import validate_webhook_url


class NotificationQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "recipient__region__path"


class Notification(models.Model):
    """One message to one person: what happened (``kind``), to what (``subject``), where to look."""

    # No index of its own: notification_inbox (recipient, -created_at) serves it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=40)
    subject = models.CharField(_("subject"), max_length=100)
    text = models.CharField(_("text"), max_length=300, blank=True)
    url = models.CharField(max_length=200, blank=True)
    # What the kind's templates may say beyond subject and text (JSON, small).
    context = models.JSONField(_("context"), default=dict, blank=True)
    # Urgent: at once on every channel the person has, never in a digest (from the kind).
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Handed to the person's channels: their deliveries written, or queued for their digest.
    delivered_at = models.DateTimeField(_("handed to channels"), null=True, blank=True)
    # Waiting for the person's daily digest (non-urgent, and the person chose a digest).
    awaiting_digest = models.BooleanField(_("awaiting digest"), default=False)

    objects = NotificationQuerySet.as_manager()

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
            # The bell's count and the unread filter: one person's unread rows, newest first.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread",
                condition=Q(read_at=None),
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_digest",
                condition=Q(awaiting_digest=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class Channel(models.TextChoices):
    """Where a person is told besides the bell (in-app needs no delivery: the row is there)."""

    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu robot")


ROBOTS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


class PreferenceQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "user__region__path"


class Preference(models.Model):
    """How one person wants to be told beyond the bell: channels and their addresses, digest
    or instant for non-urgent kinds, and the language of the messages.

    A person without a row is told in the product only. Webhook URLs and signing secrets are
    shown to their owner only (the URL's token is as secret as the signing secret).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language of messages"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Blank: the site's language."),
    )
    digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_(
            "Non-urgent notifications come once a day in one message; urgent ones always at once."
        ),
    )
    email_on = models.BooleanField(_("by e-mail"), default=False)
    email = models.EmailField(_("e-mail address"), blank=True)
    wecom_on = models.BooleanField(_("by WeCom robot"), default=False)
    wecom_url = models.URLField(
        _("WeCom webhook"), max_length=500, blank=True, validators=[validate_webhook_url]
    )
    dingtalk_on = models.BooleanField(_("by DingTalk robot"), default=False)
    dingtalk_url = models.URLField(
        _("DingTalk webhook"), max_length=500, blank=True, validators=[validate_webhook_url]
    )
    dingtalk_secret = models.CharField(
        _("DingTalk signing secret"), max_length=200, blank=True, help_text=_("Optional (加签).")
    )
    feishu_on = models.BooleanField(_("by Feishu robot"), default=False)
    feishu_url = models.URLField(
        _("Feishu webhook"), max_length=500, blank=True, validators=[validate_webhook_url]
    )
    feishu_secret = models.CharField(
        _("Feishu signing secret"), max_length=200, blank=True, help_text=_("Optional.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    # A channel, its switch and its address field.
    ADDRESS_FIELDS = {
        Channel.EMAIL: ("email_on", "email"),
        Channel.WECOM: ("wecom_on", "wecom_url"),
        Channel.DINGTALK: ("dingtalk_on", "dingtalk_url"),
        Channel.FEISHU: ("feishu_on", "feishu_url"),
    }
    SECRET_FIELDS = {Channel.DINGTALK: "dingtalk_secret", Channel.FEISHU: "feishu_secret"}

    def clean(self) -> None:
        errors = {
            address: _("Give the address of a channel you turn on.")
            for switch, address in self.ADDRESS_FIELDS.values()
            if getattr(self, switch) and not getattr(self, address)
        }
        if errors:
            raise ValidationError(errors)

    def channels(self) -> list[str]:
        """The channels turned on, each with an address."""
        return [
            channel
            for channel, (switch, address) in self.ADDRESS_FIELDS.items()
            if getattr(self, switch) and getattr(self, address)
        ]

    def address(self, channel: str) -> tuple[str, str]:
        """(address, secret) of ``channel``; blank address when it is turned off."""
        switch, field = self.ADDRESS_FIELDS[channel]
        if not getattr(self, switch):
            return "", ""
        secret_field = self.SECRET_FIELDS.get(channel)
        return getattr(self, field), getattr(self, secret_field) if secret_field else ""


class DeliveryQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "recipient__region__path"


class DeliveryStatus(models.TextChoices):
    """Where one delivery stands."""

    PENDING = "pending", _("pending")  # to send at next_attempt_at (first try or a retry)
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")  # every try failed: given up after the limit
    CANCELLED = "cancelled", _("cancelled")  # the person turned the channel off meanwhile


class Delivery(models.Model):
    """One message to one person on one channel: an instant notification or a daily digest.

    Its words are rendered once, in the person's language, when it is written; its address is
    read from the person's preferences when it is sent (a changed webhook is used at once).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_deliveries",
        verbose_name=_("recipient"),
    )
    # The notification it delivers; none for a daily digest.
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a pending delivery is next tried (swept); while a worker sends it, the end of its
    # claim. Null once sent, failed or cancelled.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                name="delivery_once_per_channel",
                condition=Q(notification__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, whether the channel took it, and why not."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("at"))
    ok = models.BooleanField(_("sent"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {'ok' if self.ok else 'failed'} {self.at:%Y-%m-%d %H:%M}"
