"""What hangs off a case: its source links, attachments, history, corrections; case numbers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.models import Unit
from reports.attachments import served_name
from reports.models.choices import Status
from reports.models.report import Report

# How many source links one report may carry.
MAX_SOURCE_URLS = 10


class ReportSource(models.Model):
    """A source URL of a report, with its normalised form for duplicate detection."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("source URL"), max_length=2000)
    normalized_url = models.CharField(max_length=2000, editable=False)
    url_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source URL")
        verbose_name_plural = _("source URLs")
        indexes = [models.Index(fields=["url_hash", "-created_at"], name="report_source_lookup")]

    def __str__(self) -> str:
        return self.url


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    # No user-supplied name on disk: the content hash names the file.
    return f"reports/{instance.sha256[:2]}/{instance.sha256}"


class ReportAttachment(models.Model):
    """A screenshot or document of a report, stored privately with its SHA-256 as evidence."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    number = models.PositiveSmallIntegerField(_("number"))
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Set only when the bytes decoded in full as an image under the pixel limit
    # (reports.attachments): only such an image is shown inline.
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_attachment_number"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_verified_image(self) -> bool:
        """Decoded as an image before it was stored: the one kind shown inline."""
        return self.width is not None and self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The person's file name, with the extension of what the file really is."""
        return served_name(self.original_name, self.content_type)


class ReportEvent(models.Model):
    """One entry of a case's append-only history: who moved it, when, from where to where, why."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    target = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The unit the step concerns: assigned, routed to, sending the case back, closing it.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_events",
    )
    # Internal steps reach the reporter in plain words only, without comment or details.
    internal = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["report", "at", "id"]
        indexes = [
            models.Index(fields=["report", "at"], name="report_event_timeline"),
            # Scorecards: every step of one kind in a month.
            models.Index(fields=["transition", "at"], name="report_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.transition} {self.source}→{self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Case events are append-only.")


class ReportAmendment(models.Model):
    """A correction made by someone other than the reporter; the original value stays on record."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="amendments")
    field = models.CharField(_("field"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.field}"


class CaseCounter(models.Model):
    """Per-day counter behind case numbers, bumped in a tiny transaction of its own."""

    day = models.DateField(primary_key=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"
