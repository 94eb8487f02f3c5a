"""The report (网情) and its workflow.

The model holds data and *pure* transitions: a transition method changes fields in memory and
nothing else. :mod:`reports.services` is the only caller: it locks the row, checks the
permission, validates the payload, saves, appends a :class:`ReportEvent` and schedules side
effects after commit. ``status`` is a protected FSM field, so nothing can assign it directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from grid.models import Level, Region, Role, Unit
from grid.scoping import JurisdictionQuerySet, jurisdiction_of
from reports.hooks import conditions_of, visibility_grants
from reports.models.choices import (
    OPEN_STATUSES,
    AnswerChannel,
    Category,
    Grade,
    RejectKind,
    Satisfaction,
    SourcePlatform,
    Status,
)

# --- who may do what -------------------------------------------------------------------------
# Each permission is a plain function of (report, user): django-fsm calls it through
# has_transition_perm(), and services call that before every transition.


def _covers(report: Report, user) -> bool:
    return jurisdiction_of(user).covers(report.region_path)


def is_county_admin_for(report: Report, user) -> bool:
    """The admin of the county whose queue holds the case."""
    return user.role == Role.COUNTY_ADMIN and user.region_id == report.county_id


def is_duty_officer_for(report: Report, user) -> bool:
    return user.role == Role.DUTY_OFFICER and _covers(report, user)


def is_assigned_liaison(report: Report, user) -> bool:
    return (
        user.role == Role.UNIT_LIAISON
        and report.assigned_unit_id is not None
        and user.unit_id == report.assigned_unit_id
    )


def is_lead_liaison(report: Report, user) -> bool:
    return (
        user.role == Role.UNIT_LIAISON
        and report.lead_unit_id is not None
        and user.unit_id == report.lead_unit_id
    )


def is_reporter(report: Report, user) -> bool:
    return report.reporter_id == user.pk


def can_escalate(report: Report, user) -> bool:
    if report.status == Status.LOCAL_HANDLING:
        return is_county_admin_for(report, user) or is_assigned_liaison(report, user)
    return is_county_admin_for(report, user)


def can_close(report: Report, user) -> bool:
    if report.status == Status.LOCAL_HANDLING:
        return is_assigned_liaison(report, user) or is_county_admin_for(report, user)
    return is_lead_liaison(report, user) or is_duty_officer_for(report, user)


def can_reject(report: Report, user) -> bool:
    if report.status == Status.ESCALATED:
        return is_duty_officer_for(report, user)
    return is_county_admin_for(report, user)


def can_reopen(report: Report, user) -> bool:
    if report.lead_unit_id:
        return is_duty_officer_for(report, user)
    return is_county_admin_for(report, user)


def _reopen_target(report: Report, *args, **kwargs) -> str:
    """A reopened case goes back to whoever handled it: its lead unit, else local handling."""
    return Status.ROUTED if report.lead_unit_id else Status.LOCAL_HANDLING


class ReportQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region_path"

    def visible_to(self, user) -> ReportQuerySet:
        """The one scoping rule, narrowed by role where need-to-know asks for it.

        Informants, volunteers and grid heads see the reports they filed; unit liaisons see
        the cases their unit handles; everyone else sees their jurisdiction's cases. Other
        apps may let a person see more cases of their jurisdiction than their role gives
        (:func:`reports.hooks.register_visibility`: the cases a unit co-handles).
        """
        scope = jurisdiction_of(user)
        if scope.path is not None and user.region.level == Level.COUNTY:
            # The same rows as the path prefix (a case's county is the county on its path),
            # said so the planner can use the county indexes: the county queue's hot path.
            qs = self.filter(county_id=user.region_id)
        else:
            qs = super().visible_to(user)
        if not user.is_authenticated or user.is_superuser:
            return qs
        if user.role in (Role.INFORMANT, Role.VOLUNTEER, Role.GRID_HEAD):
            own = Q(reporter=user)
        elif user.role == Role.UNIT_LIAISON:
            if user.unit_id is None:
                return qs.none()
            own = Q(assigned_unit_id=user.unit_id) | Q(lead_unit_id=user.unit_id)
        else:
            return qs
        for granted in visibility_grants(user):
            own |= granted
        return qs.filter(own)

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


# The longest idempotency key a client may send (a longer one is refused, never cut).
MAX_IDEMPOTENCY_KEY = 64


# The 24-hour disposal clocks the disposal sweep still has to look at: not found overdue yet,
# and unreported or reported after the due time (the partial index's condition and the
# sweep's filter, said once so that PostgreSQL sees the one implies the other).
DISPOSAL_UNSWEPT = Q(disposal_overdue_at__isnull=True) & (
    Q(disposal_reported_at__isnull=True) | Q(disposal_reported_at__gt=F("disposal_due_at"))
)


class Report(ConcurrentTransitionMixin, models.Model):
    """A report of an online matter, filed by a person at a grid point; a case once filed.

    Title, body and the reporter's choices are immutable once submitted: later corrections
    are :class:`ReportAmendment` rows beside them.
    """

    case_number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    source_platform = models.CharField(
        _("source platform"), max_length=20, choices=SourcePlatform.choices
    )
    discovered_at = models.DateTimeField(_("discovered at"))
    suggested_grade = models.CharField(
        _("suggested grade"), max_length=12, choices=Grade.choices, default=Grade.GENERAL
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)

    region = models.ForeignKey(
        Region, verbose_name=_("concerns"), on_delete=models.PROTECT, related_name="reports"
    )
    # Denormalised from region, rewritten when the grid moves (reports.regions): no joins.
    region_path = models.CharField(max_length=255, editable=False)
    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="county_reports", editable=False
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, protected=True
    )

    assigned_unit = models.ForeignKey(
        Unit,
        verbose_name=_("assigned unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_reports",
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_reports",
    )
    reject_kind = models.CharField(
        _("rejected as"), max_length=20, choices=RejectKind.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    likely_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("likely duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    # How the case was closed for the citizen: how and where they were answered, and what
    # they said on a return visit (回访), for every close (local handling or routed).
    # Database defaults too, so rows written by SQL (the demo history) need not name them.
    answered_via = models.CharField(
        _("citizen answered by"),
        max_length=20,
        choices=AnswerChannel.choices,
        blank=True,
        default="",
        db_default="",
    )
    answered_where = models.CharField(
        _("reply published at"), max_length=300, blank=True, default="", db_default=""
    )
    return_visit = models.BooleanField(_("return visit made"), default=False, db_default=False)
    satisfaction = models.CharField(
        _("satisfaction"),
        max_length=20,
        choices=Satisfaction.choices,
        blank=True,
        default="",
        db_default="",
    )

    idempotency_key = models.CharField(max_length=MAX_IDEMPOTENCY_KEY, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Deadline columns, swept by beat tasks (never Celery countdowns).
    disposal_due_at = models.DateTimeField(_("disposal status due"))
    disposal_reported_at = models.DateTimeField(
        _("disposal status reported"), null=True, blank=True
    )
    # The disposal sweep's handled marker (reports.services.disposal): set once, to the due
    # time, when the 24-hour clock is found run out (unreported by then, or reported late).
    disposal_overdue_at = models.DateTimeField(
        _("disposal status overdue since"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The county queue: equality on county and status, newest first.
            models.Index(fields=["county", "status", "-created_at"], name="report_county_queue"),
            # A county's cases newest first (the API list, a county leader's overview).
            models.Index(fields=["county", "-created_at", "-id"], name="report_county_recent"),
            models.Index(fields=["status", "-created_at"], name="report_status_recent"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_recent"),
            models.Index(fields=["assigned_unit", "status"], name="report_assigned_unit"),
            models.Index(fields=["lead_unit", "status"], name="report_lead_unit"),
            models.Index(
                fields=["region_path"], name="report_region_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["disposal_due_at"],
                name="report_disposal_due",
                condition=Q(disposal_reported_at__isnull=True),
            ),
            # The disposal sweep: clocks not yet found overdue that may be (unreported, or
            # reported after the due time); a case reported in time never enters it.
            models.Index(
                fields=["disposal_due_at"],
                name="report_disposal_unswept",
                condition=DISPOSAL_UNSWEPT,
            ),
            models.Index(fields=["reporter", "content_hash", "created_at"], name="report_retry"),
            # The city duty console: a city's escalated and routed cases, newest first. The
            # city is the first segment of the path; the range of one city's open cases is
            # read from this small index alone (a province holds ten cities).
            models.Index(
                fields=["status", "region_path"],
                name="report_city_open",
                opclasses=["varchar_ops", "varchar_pattern_ops"],
                # Said as OR, not IN: PostgreSQL prints it back as it was written, so the demo
                # writer's drop-and-rebuild of indexes gives the same index (reports.demo.sql).
                condition=Q(status="escalated") | Q(status="routed"),
                include=["created_at", "id"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="report_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    @property
    def state_fields(self):
        """The state fields ConcurrentTransitionMixin guards: ``status``.

        django-fsm finds them by scanning every field of every instance it builds, a tenth of
        a 50-row list's time; the answer is the same for every report.
        """
        return _REPORT_STATE_FIELDS

    # --- transitions: pure, in memory; see reports.services ----------------------------------

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.LOCAL_HANDLING,
        permission=is_county_admin_for,
        conditions=[conditions_of("accept_local")],
    )
    def accept_local(self, *, unit: Unit) -> None:
        """County admin keeps the case in the county and assigns it to a township or department."""
        self.assigned_unit = unit

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.LOCAL_HANDLING],
        target=Status.ESCALATED,
        permission=can_escalate,
        conditions=[conditions_of("escalate")],
    )
    def escalate(self) -> None:
        """Non-local or unmanageable: send the case up to the city duty queue."""

    @transition(
        field=status,
        source=Status.ESCALATED,
        target=Status.ROUTED,
        permission=is_duty_officer_for,
        conditions=[conditions_of("route")],
    )
    def route(self, *, grade: str, lead_unit: Unit) -> None:
        """Duty officer grades the case and sends it to the unit that must answer."""
        self.grade = grade
        self.lead_unit = lead_unit

    @transition(
        field=status,
        source=Status.ROUTED,
        target=Status.ESCALATED,
        permission=is_lead_liaison,
        conditions=[conditions_of("bounce")],
    )
    def bounce(self) -> None:
        """The lead unit says the case is not theirs; it returns to the duty queue."""
        self.lead_unit = None

    @transition(
        field=status,
        source=[Status.LOCAL_HANDLING, Status.ROUTED],
        target=Status.CLOSED,
        permission=can_close,
        conditions=[conditions_of("close")],
    )
    def close(
        self,
        *,
        resolution: str,
        at,
        answered_via: str = "",
        answered_where: str = "",
        return_visit: bool = False,
        satisfaction: str = "",
    ) -> None:
        """Disposal and reply are recorded: the case is done, with how the citizen was answered."""
        self.resolution = resolution
        self.closed_at = at
        self.answered_via = answered_via
        self.answered_where = answered_where
        self.return_visit = return_visit
        self.satisfaction = satisfaction if return_visit else ""

    @transition(
        field=status,
        source=Status.CLOSED,
        target=GET_STATE(_reopen_target, states=[Status.ROUTED, Status.LOCAL_HANDLING]),
        permission=can_reopen,
        conditions=[conditions_of("reopen")],
    )
    def reopen(self) -> None:
        """The matter came back (动态管理): the case returns to whoever handled it."""
        self.closed_at = None

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.RETURNED,
        permission=is_county_admin_for,
        conditions=[conditions_of("return_for_info")],
    )
    def return_for_info(self) -> None:
        """Ask the reporter for more information before triage (退回补充)."""

    @transition(
        field=status,
        source=Status.RETURNED,
        target=Status.SUBMITTED,
        permission=is_reporter,
        conditions=[conditions_of("resubmit")],
    )
    def resubmit(self) -> None:
        """The reporter supplied what was asked; the case is back in the county queue."""

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.ESCALATED],
        target=Status.REJECTED,
        permission=can_reject,
        conditions=[conditions_of("reject")],
    )
    def reject(self, *, kind: str, duplicate_of: Report | None = None) -> None:
        """Invalid, a duplicate (merged; its reporter stays credited) or not accepted."""
        self.reject_kind = kind
        self.duplicate_of = duplicate_of


_REPORT_STATE_FIELDS = (Report._meta.get_field("status"),)
