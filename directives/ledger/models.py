"""A key matter on the ledger, the cases linked to it and each follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.scoping import JurisdictionQuerySet


class LedgerQuerySet(JurisdictionQuerySet):
    # The place of the case it was opened on: who sees that case's place sees the matter.
    jurisdiction_field = "region_path"

    def on_ledger(self):
        return self.filter(closed_at__isnull=True)


class LedgerEntry(models.Model):
    """A key matter: opened on a case with a reason, followed until taken off with an
    assessment."""

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    matter = models.CharField(_("matter"), max_length=200)
    reason = models.TextField(_("reason"))
    # Copied from the case when opened (scoping, the per-county ledger).
    region_path = models.CharField(max_length=255, editable=False)
    county = models.ForeignKey(
        "grid.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened"))
    # Bumped by every step of the matter itself (links, follow-ups); the cases' own steps
    # are read beside it.
    moved_at = models.DateTimeField(_("last movement"))
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    closed_at = models.DateTimeField(_("taken off"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessment = models.TextField(_("closing assessment"), blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("key matter")
        verbose_name_plural = _("key matters")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(closed_at__isnull=True),
                name="ledger_case_once_while_open",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(assessment=""),
                name="ledger_closed_has_assessment",
            ),
        ]
        indexes = [
            # The ledger page: a city's or a county's matters still followed, newest first.
            models.Index(
                fields=["region_path"], name="ledger_place", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["county", "-opened_at"],
                condition=Q(closed_at__isnull=True),
                name="ledger_open_county",
            ),
            models.Index(fields=["-opened_at", "-id"], name="ledger_recent"),
        ]

    def __str__(self) -> str:
        return self.matter

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LinkKind(models.TextChoices):
    """How a case came on a matter."""

    ORIGIN = "origin", _("Opened on it")
    SAME_SOURCE = "same_source", _("Same source reported again")
    DUPLICATE = "duplicate", _("Merged as a duplicate")
    MANUAL = "manual", _("Linked by hand")


class LedgerLink(models.Model):
    """A case of the matter: the one it was opened on and every later report of it."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="links")
    report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, related_name="ledger_links"
    )
    kind = models.CharField(_("how"), max_length=12, choices=LinkKind.choices)
    linked_at = models.DateTimeField(_("linked at"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("linked case")
        verbose_name_plural = _("linked cases")
        ordering = ["entry", "linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "report"], name="ledger_link_once"),
        ]
        indexes = [models.Index(fields=["report", "entry"], name="ledger_link_case")]

    def __str__(self) -> str:
        return f"{self.entry_id} ← {self.report_id}"


class FollowUp(models.Model):
    """One follow-up of a matter: what was found and when to look again."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="follow_ups")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"))
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["entry", "at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.at:%Y-%m-%d}"
