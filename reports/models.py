"""Reports (网情) and their workflow.

The model holds data and *pure* transitions: a transition method changes fields in memory and
nothing else. :mod:`reports.services` is the only caller: it locks the row, checks the
permission, validates the payload, saves, appends a :class:`ReportEvent` and schedules side
effects after commit. ``status`` is a protected FSM field, so nothing can assign it directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from grid.models import Level, Region, Role, Unit
from grid.scoping import JurisdictionQuerySet, jurisdiction_of
from reports.hooks import conditions_of


class Status(models.TextChoices):
    """Where a case is in its life."""

    SUBMITTED = "submitted", _("Submitted")  # in the county queue of the reporter's county
    RETURNED = "returned", _("Returned for more information")  # waiting for the reporter
    LOCAL_HANDLING = "local_handling", _("Local handling")  # a township/county unit handles it
    ESCALATED = "escalated", _("Escalated to the city")  # in the city duty queue
    ROUTED = "routed", _("Routed")  # graded and sent to its lead unit
    CLOSED = "closed", _("Closed")  # disposal and reply recorded and accepted
    REJECTED = "rejected", _("Rejected")  # invalid, duplicate (merged) or not accepted


OPEN_STATUSES = [
    Status.SUBMITTED,
    Status.RETURNED,
    Status.LOCAL_HANDLING,
    Status.ESCALATED,
    Status.ROUTED,
]


class Category(models.TextChoices):
    NEGATIVE = "negative", _("Negative sentiment")
    RUMOUR = "rumour", _("Rumour / false information")
    HARMFUL = "harmful", _("Harmful information")
    SECURITY = "security", _("Network security")
    APPEAL = "appeal", _("Public appeal / livelihood")
    OTHER = "other", _("Other")


class SourcePlatform(models.TextChoices):
    WECHAT_GROUP = "wechat_group", _("WeChat group")
    QQ_GROUP = "qq_group", _("QQ group")
    MOMENTS = "moments", _("WeChat Moments")
    WEIBO = "weibo", _("Weibo")
    SHORT_VIDEO = "short_video", _("Short video (Douyin/Kuaishou)")
    FORUM = "forum", _("Forum")
    NEWS = "news", _("News site")
    GOV_BOARD = "gov_board", _("Government message board")
    OFFLINE = "offline", _("Offline")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    """研判分级, lowest to highest."""

    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    DIFFICULT = "difficult", _("Difficult")
    SUDDEN = "sudden", _("Sudden incident")
    MAJOR = "major", _("Major")


class RejectKind(models.TextChoices):
    INVALID = "invalid", _("Invalid")
    DUPLICATE = "duplicate", _("Duplicate (merged)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


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
        the cases their unit handles; everyone else sees their jurisdiction's cases.
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
            return qs.filter(reporter=user)
        if user.role == Role.UNIT_LIAISON:
            if user.unit_id is None:
                return qs.none()
            return qs.filter(Q(assigned_unit_id=user.unit_id) | Q(lead_unit_id=user.unit_id))
        return qs

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


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

    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Deadline columns, swept by beat tasks (never Celery countdowns).
    disposal_due_at = models.DateTimeField(_("disposal status due"))
    disposal_reported_at = models.DateTimeField(
        _("disposal status reported"), null=True, blank=True
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
            models.Index(fields=["reporter", "content_hash", "created_at"], name="report_retry"),
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
    def close(self, *, resolution: str, at) -> None:
        """Disposal and reply are recorded: the case is done."""
        self.resolution = resolution
        self.closed_at = at

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


_REPORT_STATE_FIELDS = (Report._meta.get_field("status"),)
