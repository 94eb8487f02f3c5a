"""Large exports of case data, made by a worker: who asked for what, when, and the file.

Every export is a row (the log the issue asks for: who exported which cases, when, how many);
it is never deleted with its file. The file is kept through Django's storage API (the web
node that serves it need not be the worker that wrote it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")  # written, its file since deleted (the row stays)


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    RANGE = "range", _("Range of days")


class CaseExport(models.Model):
    """One export of the cases filed in a period, within the requester's jurisdiction."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The jurisdiction when asked (blank: everything, a superuser's); the rows stay within it.
    region_path = models.CharField(max_length=255, blank=True, editable=False)
    region_name = models.CharField(_("jurisdiction"), max_length=100, blank=True)
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    label = models.CharField(_("label"), max_length=32)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    state = models.CharField(
        _("state"), max_length=8, choices=ExportState.choices, default=ExportState.QUEUED
    )
    total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/cases/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case export")
        verbose_name_plural = _("case exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at", "-id"], name="caseexport_mine"),
            # The sweep: the exports not finished, and the ready ones by age.
            models.Index(fields=["state", "created_at"], name="caseexport_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.region_name or '*'})"

    @property
    def percent(self) -> int:
        if self.state in (ExportState.DONE, ExportState.EXPIRED):
            return 100
        if not self.total:
            return 0
        return min(99, self.written * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED, ExportState.EXPIRED)
