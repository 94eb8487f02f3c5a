"""What grid points file on a schedule: the daily report (网情日报) and the monthly
risk-point list (风险点排查). Each filing settles its expected submission
(:mod:`duty.models.submissions`), which says whether it was on time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.scoping import JurisdictionQuerySet
from reports.models import SourcePlatform


class FilingQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "grid_point__region__path"


class DailyReport(models.Model):
    """A grid point's daily report for one day: the items found, or nothing to report (零报告).

    One per grid point and day (a second filing is refused, 409: the report is what the
    point knew by then; what turns up later is a report of its own)."""

    grid_point = models.ForeignKey(
        "grid.GridPoint",
        verbose_name=_("grid point"),
        on_delete=models.PROTECT,
        related_name="daily_reports",
    )
    day = models.DateField(_("day"))
    nothing_to_report = models.BooleanField(_("nothing to report"), default=False)
    note = models.TextField(_("note"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="daily_reports",
    )
    filed_at = models.DateTimeField(_("filed at"))
    is_late = models.BooleanField(_("late"), default=False)

    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "grid_point_id"]
        constraints = [
            models.UniqueConstraint(fields=["grid_point", "day"], name="daily_report_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "grid_point"], name="daily_report_day")]

    def __str__(self) -> str:
        return f"{self.grid_point_id} {self.day}"


class DailyReportItem(models.Model):
    """One item of a daily report: a report filed that day, or a short entry (title, platform,
    link) for something seen that needed no report of its own."""

    daily_report = models.ForeignKey(
        DailyReport, on_delete=models.CASCADE, related_name="items", verbose_name=_("daily report")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    platform = models.CharField(
        _("platform"), max_length=20, choices=SourcePlatform.choices, blank=True
    )
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("daily report item")
        verbose_name_plural = _("daily report items")
        ordering = ["daily_report", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False) | ~Q(title=""),
                name="daily_item_report_or_title",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.report_id}"


class RiskLevel(models.TextChoices):
    """How serious a risk point is."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskPointList(models.Model):
    """A grid point's monthly list of risk points (风险点排查), or none found this month."""

    grid_point = models.ForeignKey(
        "grid.GridPoint",
        verbose_name=_("grid point"),
        on_delete=models.PROTECT,
        related_name="risk_point_lists",
    )
    month = models.DateField(_("month"))  # its first day
    nothing_found = models.BooleanField(_("no risk points found"), default=False)
    note = models.TextField(_("note"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="risk_point_lists",
    )
    filed_at = models.DateTimeField(_("filed at"))
    is_late = models.BooleanField(_("late"), default=False)

    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk-point list")
        verbose_name_plural = _("risk-point lists")
        ordering = ["-month", "grid_point_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid_point", "month"], name="risk_points_once_a_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="risk_points_month_first_day"),
        ]
        indexes = [models.Index(fields=["month", "grid_point"], name="risk_points_month")]

    def __str__(self) -> str:
        return f"{self.grid_point_id} {self.month:%Y-%m}"


class RiskPoint(models.Model):
    """One risk point: what, where, how serious, what is done about it, and who answers for it."""

    risk_list = models.ForeignKey(
        RiskPointList, on_delete=models.CASCADE, related_name="items", verbose_name=_("list")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"))
    area = models.CharField(_("area"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    measures = models.TextField(_("measures"))
    responsible = models.CharField(_("person responsible"), max_length=60)

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["risk_list", "position"]

    def __str__(self) -> str:
        return self.description[:40]


class SubmissionNotice(models.Model):
    """A scheduled notice about a kind's period was sent (the 14:00 reminder, the 15:00 list of
    the missing): written in the sending transaction, so a sweep run again sends it once."""

    kind = models.CharField(_("kind"), max_length=40)
    period = models.DateField(_("period"))
    stage = models.CharField(_("stage"), max_length=20)  # "reminder", "missed"
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission notice")
        verbose_name_plural = _("submission notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "stage"], name="submission_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.stage}"
