"""Expected submissions: every recurring deadline as one row that is owed, filed or missed.

"Grid point X owes the daily report for 2026-11-22 by 15:00" is a row of
:class:`ExpectedSubmission`. The kind (:mod:`duty.kinds`) says who owes it and when it is due;
the generic services in :mod:`duty.services.expected` create the rows of a period at once
(idempotent by a unique constraint), settle them when something is filed (compare-and-set)
and sweep what is due (one UPDATE … RETURNING), so every deadline is enforced the same way.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.scoping import JurisdictionQuerySet


class SubmissionStatus(models.TextChoices):
    """Where an obligation stands."""

    PENDING = "pending", _("Pending")  # owed, not filed yet, not yet due
    ON_TIME = "on_time", _("On time")  # filed at or before its due time
    LATE = "late", _("Late")  # filed after its due time
    MISSED = "missed", _("Missed")  # due and not filed: settled by the sweep at the due time


class ExpectedSubmissionQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region_path"

    def of_kind(self, kind: str) -> ExpectedSubmissionQuerySet:
        return self.filter(kind=kind)


class ExpectedSubmission(models.Model):
    """One party owes one submission of a kind for one period, by a due time.

    The owing party is a grid point (daily reports, risk points), a unit, or, through
    ``subject_id``, a row the kind knows (a roster's duty for the handover, a directive's
    notice); ``owner_key`` names that party within the kind so that a period's rows are
    unique whatever the party is. The owner's region path and county are copied so that
    scoping and the county overview need no join (they follow region moves, see
    :mod:`duty.regions`).
    """

    kind = models.CharField(_("kind"), max_length=40)
    period = models.DateField(_("period"))  # the day, or the first day of the month
    owner_key = models.CharField(_("owner"), max_length=64, editable=False)
    grid_point = models.ForeignKey(
        "grid.GridPoint",
        verbose_name=_("grid point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="expected_submissions",
        # No index of its own: a grid point's rows are found by owner key (the unique
        # constraint); deleting a grid point (rare: they are deactivated) scans.
        db_index=False,
    )
    unit = models.ForeignKey(
        "grid.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="expected_submissions",
        db_index=False,  # expected_unit leads with it
    )
    # A row of the kind's own model (a roster's duty, a directive's notice), when the
    # obligation is about one; the kind knows which model.
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    region_path = models.CharField(max_length=255, editable=False)
    county = models.ForeignKey(
        "grid.Region",
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # expected_overview serves the reads; regions are not deleted
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
    )
    due_at = models.DateTimeField(_("due at"))
    # When it was filed; for a miss, the due time (not the moment the sweep ran).
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # The filed row of the kind's own model (a daily report, a risk-point list), once filed.
    filing_id = models.PositiveBigIntegerField(_("filing"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ExpectedSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("expected submission")
        verbose_name_plural = _("expected submissions")
        ordering = ["-period", "kind", "region_path"]
        constraints = [
            # Creation is INSERT … ON CONFLICT DO NOTHING against this: idempotent. Period
            # before owner: a day's rows sit together in it, so creating them and the sweep's
            # update of them write a few hundred of its pages, not one per grid point.
            models.UniqueConstraint(
                fields=["kind", "period", "owner_key"], name="expected_one_per_period_owner"
            ),
            models.CheckConstraint(
                condition=Q(status=SubmissionStatus.PENDING, settled_at__isnull=True)
                | (~Q(status=SubmissionStatus.PENDING) & Q(settled_at__isnull=False)),
                name="expected_settled_iff_not_pending",
            ),
        ]
        # Few indexes: a settled row is written again in every one of them (the sweep's
        # UPDATE of a province's 16,000 rows, bench/README.md "Duty").
        indexes = [
            # The sweep: what is still pending and due by now.
            models.Index(
                fields=["due_at"],
                name="expected_pending_due",
                condition=Q(status=SubmissionStatus.PENDING),
            ),
            # The overviews: a kind's period per county, by status.
            models.Index(fields=["kind", "period", "county", "status"], name="expected_overview"),
            models.Index(
                fields=["unit", "kind", "-period"],
                name="expected_unit",
                condition=Q(unit__isnull=False),
            ),
            # The API's list, newest period first.
            models.Index(fields=["-period", "kind", "region_path"], name="expected_list"),
        ]

    def __str__(self) -> str:
        """What is owed and for when, in words ("Daily report 2026-12-03"): the deduction page
        names its source so; who owes it is shown beside it."""
        from duty.kinds import submission_kind

        try:
            label = submission_kind(self.kind).label
        except KeyError:  # a kind nobody declares any more
            label = self.kind
        return f"{label} {self.period:%Y-%m-%d}"

    @staticmethod
    def key_for(
        *,
        grid_point_id: int | None = None,
        unit_id: int | None = None,
        subject_id: int | None = None,
    ) -> str:
        """The owner key of a party: ``g12``, ``u5``, ``s88`` or a combination (``g12s88``)."""
        parts = [
            f"{prefix}{value}"
            for prefix, value in (("g", grid_point_id), ("u", unit_id), ("s", subject_id))
            if value is not None
        ]
        if not parts:
            raise ValueError("an expected submission needs an owner")
        return "".join(parts)

    @property
    def is_settled(self) -> bool:
        return self.status != SubmissionStatus.PENDING


class SubmissionPeriod(models.Model):
    """A kind's rows for a period have been created (so the catch-up sweep skips it cheaply)."""

    kind = models.CharField(_("kind"), max_length=40)
    period = models.DateField(_("period"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("created period")
        verbose_name_plural = _("created periods")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="submission_period_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period}"
