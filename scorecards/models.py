"""Frozen months of the assessment: the snapshot, its rows, and every recomputation of it.

The month close (:func:`scorecards.services.month_close`, by beat on the 1st) computes the
previous month and stores every figure of every node at every level as it stood then; the
rankings, the API, the dashboard and the bulletin read these rows, so later events do not
move a month already closed. A city admin may recompute a month until it is published (each
recomputation is a :class:`SnapshotRevision`: who, when, which figures changed); a published
month does not change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.scoping import JurisdictionQuerySet
from scorecards.figures import AssessLevel


class SnapshotState(models.TextChoices):
    DRAFT = "draft", _("Closed, not yet published")  # a city admin may still recompute it
    PUBLISHED = "published", _("Published")  # final: it never changes again


class MonthSnapshot(models.Model):
    """One closed month: when it was computed (and by whom), and whether it is published."""

    month = models.DateField(_("month"), unique=True)  # its first day
    state = models.CharField(
        _("state"), max_length=10, choices=SnapshotState.choices, default=SnapshotState.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    # Null: the product's own month close.
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # {level: [figure names]}: the columns of each level, as they were when computed.
    columns = models.JSONField(_("columns"), default=dict)
    # {level: figure name}: what each level is ranked by (the score once deductions exist).
    ranked_by = models.JSONField(_("ranked by"), default=dict)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_published(self) -> bool:
        return self.state == SnapshotState.PUBLISHED


class ScoreRowQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "path"


class ScoreRow(models.Model):
    """One node's figures in a closed month, at one level, with its score and rank.

    ``path`` is the node's place in the grid when the month was computed (a unit's: its
    region's), so the rows are scoped like everything else by a prefix scan.
    """

    snapshot = models.ForeignKey(MonthSnapshot, on_delete=models.CASCADE, related_name="rows")
    level = models.CharField(_("level"), max_length=12, choices=AssessLevel.choices)
    node_id = models.PositiveBigIntegerField()  # a Region, GridPoint or Unit id, by level
    name = models.CharField(_("name"), max_length=120)
    parent_name = models.CharField(_("within"), max_length=120, blank=True)
    path = models.CharField(max_length=255)
    figures = models.JSONField(_("figures"), default=dict)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    objects = ScoreRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard row")
        verbose_name_plural = _("scorecard rows")
        ordering = ["snapshot", "level", "rank", "name", "node_id"]
        indexes = [
            models.Index(fields=["snapshot", "level", "rank", "node_id"], name="scorerow_rank"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "level", "node_id"], name="scorerow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.level} {self.name}"


class SnapshotRevision(models.Model):
    """A recomputation of a closed month by a city admin: who, when, and what changed."""

    snapshot = models.ForeignKey(MonthSnapshot, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    changed_rows = models.PositiveIntegerField(_("rows changed"), default=0)
    # [{"level", "node_id", "name", "figure", "old", "new"}, …], the first CHANGES_KEPT.
    changes = models.JSONField(_("changes"), default=list)

    class Meta:
        verbose_name = _("recomputation")
        verbose_name_plural = _("recomputations")
        ordering = ["snapshot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "number"], name="revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} r{self.number}"


# The exports' and digests' models live in their packages; imported here so Django finds them.
from scorecards.digests.models import WeeklyDigest  # noqa: E402, F401
from scorecards.exports.models import CaseExport  # noqa: E402, F401
