"""Routings of a case and the units' work on them.

A routing (:class:`Assignment`) is written when the duty officer routes a case (an after-hook
of reports' ``route`` transition) and never rewritten as another: a bounce ends it (a misroute,
counted against it), re-routing writes the next one, a reopened case gets a new one. Its
deadlines are stored columns computed when each clock starts (:mod:`dispatch.deadlines`), with
whether they were counted on assumed weekdays (a year the working calendar does not know).
Only :mod:`dispatch.services` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dispatch.models.choices import (
    AssignmentState,
    ExtensionState,
    HandlerRole,
    ReplyState,
)
from grid.models import Region, Unit
from reports.models import AnswerChannel, Category, Grade, Report, ReportEvent


class Assignment(models.Model):
    """One routing of a case (转办): its grade, lead and co-handling units, the leader's
    instruction and its deadlines; where the lead unit's reply stands.

    One active routing per case at most; the earlier ones stay as they ended (bounced, closed,
    superseded), so re-routing keeps the history and scorecards count misroutes.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assignments"
    )
    number = models.PositiveSmallIntegerField(_("routing number"))  # 1, 2, … per case
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    # As the case stood when routed (the route form's suggestions count these).
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_routings"
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("routed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_at = models.DateTimeField(_("routed at"))
    instruction = models.TextField(_("instruction"), blank=True)  # 批示
    route_event = models.ForeignKey(
        ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=AssignmentState.choices, default=AssignmentState.ACTIVE
    )

    # Deadlines, computed when their clock starts; *_assumed: counted on weekdays only,
    # because the working calendar does not know the year (the page says so).
    claim_due_at = models.DateTimeField(_("claim due"))
    claim_due_assumed = models.BooleanField(default=False)
    reply_due_at = models.DateTimeField(_("reply due"))
    reply_due_assumed = models.BooleanField(default=False)
    # What the rule proposed when routed (the officer may shorten it, never lengthen it), and
    # the latest an extension may move the reply to (the rule's maximum).
    reply_proposed_at = models.DateTimeField(_("reply due as proposed"))
    reply_max_due_at = models.DateTimeField(_("latest reply due with extensions"))
    reply_max_due_assumed = models.BooleanField(default=False)
    promised_at = models.DateTimeField(_("promised completion"), null=True, blank=True)
    promised_assumed = models.BooleanField(default=False)
    promise_note = models.TextField(_("promise"), blank=True)

    reply_state = models.CharField(
        _("reply"), max_length=12, choices=ReplyState.choices, default=ReplyState.NONE
    )
    published_at = models.DateTimeField(_("reply published at"), null=True, blank=True)

    bounced_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    bounced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bounce_reason = models.TextField(_("why it was sent back"), blank=True)
    bounce_event = models.ForeignKey(
        ReportEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        ordering = ["report", "number"]
        indexes = [
            models.Index(fields=["report", "-number"], name="assignment_report"),
            # The route form's suggestions: who handled this category in this county lately.
            models.Index(
                fields=["county", "category", "routed_at"],
                name="assignment_suggest",
                condition=~Q(state=AssignmentState.BOUNCED),
            ),
            # The console's tab of replies awaiting review, oldest routing first.
            models.Index(
                fields=["routed_at"],
                name="assignment_review",
                condition=Q(state=AssignmentState.ACTIVE, reply_state=ReplyState.PENDING),
            ),
            # Scorecards: a unit's routings (and misroutes) in a month.
            models.Index(fields=["lead_unit", "routed_at"], name="assignment_lead_unit"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="assignment_number"),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(state=AssignmentState.ACTIVE),
                name="assignment_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.number} → {self.lead_unit_id}"

    @property
    def is_active(self) -> bool:
        return self.state == AssignmentState.ACTIVE


class Handler(models.Model):
    """A unit a routing went to: the lead (牵头) or a co-handler (协办); when it claimed
    (签收) the case and, for a co-handler, the input it gave the lead.

    ``open``: the routing is running, so the case is in the unit's inbox. ``visible``: the
    unit's liaisons may see the case (a co-handler through reports' visibility hook) — until
    the routing is bounced or superseded; after the case closes they still may. ``due_at``:
    the unit's next deadline on the case, the claim's until it claims, then the reply's
    (:func:`handlers_set_due`; kept by the routing, claim and extension steps), which orders
    the inbox by an index.
    """

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("routing"), on_delete=models.PROTECT, related_name="handlers"
    )
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="handled"
    )
    role = models.CharField(_("role"), max_length=8, choices=HandlerRole.choices)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contribution = models.TextField(_("input"), blank=True)
    contributed_at = models.DateTimeField(_("input given at"), null=True, blank=True)
    open = models.BooleanField(default=True)
    visible = models.BooleanField(default=True)
    due_at = models.DateTimeField(_("next deadline"), null=True, editable=False)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["assignment", "role", "id"]
        indexes = [
            # A unit's inbox: its open routings.
            models.Index(
                fields=["unit", "assignment"], name="handler_inbox", condition=Q(open=True)
            ),
            # The inbox in its order: next deadline first.
            models.Index(
                fields=["unit", "due_at", "id"], name="handler_inbox_due", condition=Q(open=True)
            ),
            # Who may see a case besides its lead unit (reports' visibility hook).
            models.Index(
                fields=["unit", "report"], name="handler_visible", condition=Q(visible=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "unit"], name="handler_once"),
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(role=HandlerRole.LEAD), name="handler_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.role} {self.unit_id}"

    @property
    def is_lead(self) -> bool:
        return self.role == HandlerRole.LEAD


class Reply(models.Model):
    """The lead unit's reply on a routing: the disposal and the text for the citizen, reviewed
    by a duty officer before it counts as published (审核后答复). A reply sent back is revised
    as the next one (``number`` 2, 3, …); each stays on record."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("routing"), on_delete=models.PROTECT, related_name="replies"
    )
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    disposal = models.TextField(_("disposal"))
    citizen_text = models.TextField(_("reply to the citizen"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    state = models.CharField(
        _("state"), max_length=12, choices=ReplyState.choices, default=ReplyState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comments"), blank=True)
    published_via = models.CharField(
        _("published by"), max_length=20, choices=AnswerChannel.choices, blank=True
    )
    published_where = models.CharField(_("published at (where)"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["assignment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "number"], name="reply_number"),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state=ReplyState.PENDING),
                name="reply_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} reply {self.number}"


class Extension(models.Model):
    """A lead unit's request for more time to reply (延期), with its reason, and the duty
    officer's decision; an approved one moves the reply deadline, never past the rule's
    maximum (``Assignment.reply_max_due_at``)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("routing"), on_delete=models.PROTECT, related_name="extensions"
    )
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    days = models.PositiveSmallIntegerField(_("working days asked for"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(
        _("state"), max_length=12, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    old_due_at = models.DateTimeField(_("reply due before"))
    new_due_at = models.DateTimeField(_("reply due after"), null=True, blank=True)
    new_due_assumed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["assignment", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state=ExtensionState.PENDING),
                name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} +{self.days} {self.state}"


class MajorAcknowledgement(models.Model):
    """That one city leader or duty officer knows of a major case (重大): written for each of
    them when the case is routed as major, open until they acknowledge it (the pages show a
    banner meanwhile)."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("routing"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="major_acknowledgements",
    )
    notified_at = models.DateTimeField(_("notified at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("major case acknowledgement")
        verbose_name_plural = _("major case acknowledgements")
        ordering = ["-notified_at", "-id"]
        indexes = [
            models.Index(
                fields=["person", "-notified_at"],
                name="major_ack_open",
                condition=Q(acknowledged_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "person"], name="major_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.person_id}"


def handlers_set_due(handlers: models.QuerySet) -> int:
    """Store each of ``handlers``' next deadline from its routing, in one UPDATE: the claim's
    until the unit claims, then the reply's (for writers of many handlers at once, such as the
    demo's histories; the steps that change one set it as they go)."""
    routing = Assignment.objects.filter(pk=models.OuterRef("assignment_id"))
    return handlers.update(
        due_at=models.Case(
            models.When(
                claimed_at__isnull=True,
                then=models.Subquery(routing.values("claim_due_at")[:1]),
            ),
            default=models.Subquery(routing.values("reply_due_at")[:1]),
        )
    )
