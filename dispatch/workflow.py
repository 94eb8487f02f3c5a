"""Every action of dispatch on a routed case, declared once: its payload, when the case's state
allows it (else 409), who may (else 403), what it does, its words and whom it tells.

:func:`dispatch.services.dispatch_act` is the one runner, in the order reports' transitions
answer: 404 outside the jurisdiction, 409 when the state does not allow it (checked before the
payload), 403 when this person may not, 409 when their own part is done already (their unit
claimed, they acknowledged), 400 for a bad payload. ``apply`` runs under the case's row lock
with the routing locked too, writes what the step changes and says what the case's history
records (``Act.event``, ``comment``, ``data``, ``unit``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch import forms as payloads
from dispatch import tell
from dispatch.deadlines import extended_reply, iso
from dispatch.models import (
    Assignment,
    ClockKind,
    ClockOutcome,
    Extension,
    ExtensionDecision,
    ExtensionState,
    Handler,
    HandlerRole,
    MajorAcknowledgement,
    Reply,
    ReplyState,
    ReviewDecision,
    SupervisionNotice,
)
from dispatch.rules import handler_of, is_duty_officer_for
from dispatch.services.clocks import clock_move, clocks_pause, clocks_resume, clocks_stop
from grid.models import Unit, User
from grid.workdays import Deadline
from reports.models import Report


@dataclass
class Act:
    """One action being taken, as the checks and ``apply`` see it.

    ``assignment``: the case's active routing (locked), None if it has none; ``handlers``: its
    units. ``apply`` fills what the history records: ``event`` (the step's name on the
    timeline, the action's by default), ``comment``, ``data``, ``unit``; and ``result``.
    """

    report: Report
    by: User
    now: datetime
    assignment: Assignment | None
    handlers: list[Handler]
    cleaned: dict = field(default_factory=dict)
    event: str = ""
    comment: str = ""
    data: dict = field(default_factory=dict)
    unit: Unit | None = None
    result: object = None
    _cache: dict = field(default_factory=dict)

    @property
    def handler(self) -> Handler | None:
        """The asking liaison's unit among the routing's handlers."""
        return handler_of(self.handlers, self.by)

    @property
    def lead(self) -> Handler | None:
        return next((h for h in self.handlers if h.role == HandlerRole.LEAD), None)

    def once(self, key: str, compute: Callable[[], object]):
        """``compute()`` once per action (a row the checks and ``apply`` both need)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


@dataclass(frozen=True)
class Action:
    """Everything about one dispatch action."""

    name: str
    payload: type[payloads.ActionForm]
    state: Callable[[Act], str | None]  # why the case's state refuses it now (409), or None
    may: Callable[[Act], bool]  # whether this person may (else 403)
    apply: Callable[[Act], None]
    label: Promise  # the action, as its heading on the case page and in the API
    button: Promise
    own_state: Callable[[Act], str | None] | None = None  # 409 once who asks is known


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- when the state allows it (409) ----------------------------------------------------------


def _routed(act: Act) -> str | None:
    if act.assignment is None:
        return _("This case is not with a unit now: there is no routing to act on.")
    return None


def _state_claim(act: Act) -> str | None:
    if refusal := _routed(act):
        return refusal
    if all(h.claimed_at is not None for h in act.handlers):
        return _("Every unit of this routing has claimed the case.")
    return None


def _state_reply(act: Act) -> str | None:
    if refusal := _routed(act):
        return refusal
    if act.assignment.reply_state == ReplyState.PENDING:
        return _("The unit's reply awaits review.")
    if act.assignment.reply_state == ReplyState.APPROVED:
        return _("The unit's reply was approved already.")
    return None


def _state_review(act: Act) -> str | None:
    if refusal := _routed(act):
        return refusal
    if act.assignment.reply_state != ReplyState.PENDING:
        return _("No reply of this case awaits review.")
    return None


def _pending_extension(act: Act) -> Extension | None:
    return act.once(
        "extension",
        lambda: (
            Extension.objects.select_for_update()
            .filter(assignment=act.assignment, state=ExtensionState.PENDING)
            .first()
        ),
    )


def _state_request_extension(act: Act) -> str | None:
    if refusal := _routed(act):
        return refusal
    if act.assignment.reply_state == ReplyState.APPROVED:
        return _("The reply was approved: no more time is needed.")
    if _pending_extension(act) is not None:
        return _("An extension request of this case awaits a decision.")
    if act.assignment.reply_due_at >= act.assignment.reply_max_due_at:
        return _(
            "The reply is due at the latest the rule allows (%(latest)s): no more time can be "
            "given."
        ) % {"latest": _when(act.assignment.reply_max_due_at)}
    return None


def _state_decide_extension(act: Act) -> str | None:
    if refusal := _routed(act):
        return refusal
    if _pending_extension(act) is None:
        return _("No extension request of this case awaits a decision.")
    return None


def _acknowledgements(act: Act) -> list[MajorAcknowledgement]:
    return act.once(
        "acks",
        lambda: list(
            MajorAcknowledgement.objects.filter(report_id=act.report.pk).only(
                "pk", "person_id", "acknowledged_at", "assignment_id"
            )
        ),
    )


def _my_acknowledgement(act: Act) -> MajorAcknowledgement | None:
    mine = [a for a in _acknowledgements(act) if a.person_id == act.by.pk]
    return next((a for a in mine if a.acknowledged_at is None), mine[0] if mine else None)


def _state_acknowledge(act: Act) -> str | None:
    if not _acknowledgements(act):
        return _("This case is no major case awaiting acknowledgement.")
    return None


def _own_acknowledge(act: Act) -> str | None:
    mine = _my_acknowledgement(act)
    if mine is not None and mine.acknowledged_at is not None:
        return _("You acknowledged this case at %(at)s.") % {"at": _when(mine.acknowledged_at)}
    return None


def _waiting_notices(act: Act) -> list[SupervisionNotice]:
    return act.once(
        "notices",
        lambda: list(
            SupervisionNotice.objects.filter(
                report_id=act.report.pk, explained_at__isnull=True
            ).only("pk", "unit_id")
        ),
    )


def _state_explain(act: Act) -> str | None:
    if not _waiting_notices(act):
        return _("No supervision notice of this case awaits a written explanation.")
    return None


def _own_claimed(act: Act) -> str | None:
    if act.handler is not None and act.handler.claimed_at is None:
        return _("Claim the case first.")
    return None


def _own_claim(act: Act) -> str | None:
    if act.handler is not None and act.handler.claimed_at is not None:
        return _("Your unit claimed this case at %(at)s.") % {"at": _when(act.handler.claimed_at)}
    return None


def _own_lead_claimed(act: Act) -> str | None:
    lead = act.lead
    if lead is not None and lead.claimed_at is None:
        return _("Claim the case first.")
    return None


# --- who may (403) ---------------------------------------------------------------------------


def _is_handler(act: Act) -> bool:
    return act.handler is not None


def _is_co_handler(act: Act) -> bool:
    return act.handler is not None and act.handler.role == HandlerRole.CO


def _is_lead(act: Act) -> bool:
    return act.handler is not None and act.handler.role == HandlerRole.LEAD


def _is_duty_officer(act: Act) -> bool:
    return is_duty_officer_for(act.report, act.by)


def _is_asked_to_acknowledge(act: Act) -> bool:
    return _my_acknowledgement(act) is not None


def _explains_for_unit(act: Act) -> bool:
    return act.by.unit_id is not None and any(
        n.unit_id == act.by.unit_id for n in _waiting_notices(act)
    )


# --- what each one does ----------------------------------------------------------------------


def _apply_claim(act: Act) -> None:
    handler = act.handler
    handler.claimed_at, handler.claimed_by = act.now, act.by
    handler.save(update_fields=["claimed_at", "claimed_by"])
    clocks_stop(
        assignment=act.assignment,
        now=act.now,
        outcome=ClockOutcome.MET,
        kinds=[ClockKind.CLAIM],
        unit_id=handler.unit_id,
    )
    act.unit = handler.unit
    act.comment = act.cleaned["note"]
    act.data = {"role": handler.role, "unit_name": handler.unit.name}
    act.result = handler
    tell.tell_people(
        [act.assignment.routed_by_id],
        kind="dispatch_claimed",
        report=act.report,
        text=handler.unit.name,
    )


def _apply_contribute(act: Act) -> None:
    handler = act.handler
    handler.contribution, handler.contributed_at = act.cleaned["text"], act.now
    handler.save(update_fields=["contribution", "contributed_at"])
    act.unit = handler.unit
    act.comment = act.cleaned["text"]
    act.data = {"unit_name": handler.unit.name}
    act.result = handler
    tell.tell_units(
        [act.assignment.lead_unit_id],
        kind="dispatch_input",
        report=act.report,
        text=handler.unit.name,
    )


def _apply_reply(act: Act) -> None:
    assignment = act.assignment
    reply = Reply.objects.create(
        assignment=assignment,
        report_id=act.report.pk,
        unit_id=assignment.lead_unit_id,
        number=assignment.replies.count() + 1,
        disposal=act.cleaned["disposal"],
        citizen_text=act.cleaned["citizen_text"],
        submitted_by=act.by,
        submitted_at=act.now,
    )
    assignment.reply_state = ReplyState.PENDING
    assignment.save(update_fields=["reply_state"])
    # Nothing is urged while the reply awaits review; a reply sent back resumes the clock.
    clocks_pause(assignment=assignment, kinds=[ClockKind.REPLY])
    act.unit = act.handler.unit
    act.comment = act.cleaned["citizen_text"]
    act.data = {"reply": reply.pk, "revision": reply.number, "disposal": reply.disposal}
    act.result = reply
    tell.tell_duty_officers(kind="dispatch_reply_submitted", report=act.report)


def _apply_review(act: Act) -> None:
    assignment = act.assignment
    reply = (
        Reply.objects.select_for_update()
        .filter(assignment=assignment, state=ReplyState.PENDING)
        .get()
    )
    cleaned = act.cleaned
    reply.reviewed_by, reply.reviewed_at = act.by, act.now
    reply.review_comment = cleaned["comment"]
    act.unit = assignment.lead_unit
    act.comment = cleaned["comment"]
    act.data = {"reply": reply.pk, "revision": reply.number}
    if cleaned["decision"] == ReviewDecision.APPROVE:
        reply.state = ReplyState.APPROVED
        reply.published_via = cleaned["published_via"]
        reply.published_where = cleaned["published_where"]
        reply.published_at = cleaned["published_at"]
        assignment.reply_state = ReplyState.APPROVED
        assignment.published_at = reply.published_at
        clocks_stop(
            assignment=assignment, now=act.now, outcome=ClockOutcome.MET, kinds=[ClockKind.REPLY]
        )
        act.event = "reply_approved"
        act.data |= {
            "published_via": reply.published_via,
            "published_where": reply.published_where,
            "published_at": iso(reply.published_at),
        }
        kind = "dispatch_reply_approved"
    else:
        reply.state = ReplyState.SENT_BACK
        assignment.reply_state = ReplyState.SENT_BACK
        clocks_resume(assignment=assignment, kinds=[ClockKind.REPLY])
        act.event = "reply_sent_back"
        kind = "dispatch_reply_sent_back"
    reply.save()
    assignment.save(update_fields=["reply_state", "published_at"])
    act.result = reply
    tell.tell_units([assignment.lead_unit_id], kind=kind, report=act.report)


def _apply_request_extension(act: Act) -> None:
    assignment = act.assignment
    extension = Extension.objects.create(
        assignment=assignment,
        report_id=act.report.pk,
        unit_id=assignment.lead_unit_id,
        days=act.cleaned["days"],
        reason=act.cleaned["reason"],
        requested_by=act.by,
        requested_at=act.now,
        old_due_at=assignment.reply_due_at,
    )
    act.unit = act.handler.unit
    act.comment = extension.reason
    act.data = {"extension": extension.pk, "days": extension.days}
    act.result = extension
    tell.tell_duty_officers(kind="dispatch_extension_requested", report=act.report)


def _apply_decide_extension(act: Act) -> None:
    assignment = act.assignment
    extension = _pending_extension(act)
    cleaned = act.cleaned
    extension.decided_by, extension.decided_at = act.by, act.now
    extension.decision_comment = cleaned["comment"]
    act.unit = assignment.lead_unit
    act.comment = cleaned["comment"]
    act.data = {"extension": extension.pk}
    if cleaned["decision"] == ExtensionDecision.APPROVE:
        days = cleaned["days"] or extension.days
        due = extended_reply(
            due=assignment.reply_due_at,
            days=days,
            grade=assignment.grade,
            latest=assignment.reply_max_due_at,
        )
        extension.state = ExtensionState.APPROVED
        extension.new_due_at, extension.new_due_assumed = due.at, due.assumed_weekdays
        assignment.reply_due_at, assignment.reply_due_assumed = due.at, due.assumed_weekdays
        assignment.save(update_fields=["reply_due_at", "reply_due_assumed"])
        clock_move(
            assignment=assignment,
            kind=ClockKind.REPLY,
            unit_id=assignment.lead_unit_id,
            now=act.now,
            due=due,
        )
        if assignment.reply_state == ReplyState.PENDING:  # still nothing to urge meanwhile
            clocks_pause(assignment=assignment, kinds=[ClockKind.REPLY])
        act.event = "extension_approved"
        act.data |= {
            "days": days,
            "old_due_at": iso(extension.old_due_at),
            "new_due_at": iso(due.at),
            "assumed_weekdays": due.assumed_weekdays,
        }
    else:
        extension.state = ExtensionState.REFUSED
        act.event = "extension_refused"
    extension.save()
    act.result = extension
    tell.tell_units([assignment.lead_unit_id], kind="dispatch_extension_decided", report=act.report)


def _apply_promise(act: Act) -> None:
    assignment = act.assignment
    promised_at = act.cleaned["promised_at"]
    assignment.promised_at, assignment.promised_assumed = promised_at, False
    assignment.promise_note = act.cleaned["note"]
    assignment.save(update_fields=["promised_at", "promised_assumed", "promise_note"])
    clock_move(
        assignment=assignment,
        kind=ClockKind.PROMISE,
        unit_id=assignment.lead_unit_id,
        now=act.now,
        due=Deadline(at=promised_at),
        start=act.now,
    )
    act.unit = act.handler.unit
    act.comment = act.cleaned["note"]
    act.data = {"promised_at": iso(promised_at)}
    act.result = assignment
    tell.tell_duty_officers(kind="dispatch_promise", report=act.report)


def _apply_acknowledge(act: Act) -> None:
    mine = _my_acknowledgement(act)
    MajorAcknowledgement.objects.filter(pk=mine.pk).update(acknowledged_at=act.now)
    mine.acknowledged_at = act.now
    act.data = {"acknowledgement": mine.pk}
    act.result = mine


def _apply_explain(act: Act) -> None:
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=act.cleaned["notice"].pk)
    )
    notice.explanation = act.cleaned["text"]
    notice.explained_by, notice.explained_at = act.by, act.now
    notice.save(update_fields=["explanation", "explained_by", "explained_at"])
    act.unit = notice.unit
    act.comment = notice.explanation
    act.data = {"notice": notice.pk, "number": notice.number}
    act.result = notice
    tell.tell_duty_officers(kind="dispatch_explanation", report=act.report)


# In the order the case page offers them.
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "acknowledge_major",
            payloads.AcknowledgeMajorForm,
            _state_acknowledge,
            _is_asked_to_acknowledge,
            _apply_acknowledge,
            label=gettext_lazy("Acknowledge this major case"),
            button=gettext_lazy("Acknowledge"),
            own_state=_own_acknowledge,
        ),
        Action(
            "claim",
            payloads.ClaimForm,
            _state_claim,
            _is_handler,
            _apply_claim,
            label=gettext_lazy("Claim the case"),
            button=gettext_lazy("Claim"),
            own_state=_own_claim,
        ),
        Action(
            "reply",
            payloads.ReplyForm,
            _state_reply,
            _is_lead,
            _apply_reply,
            label=gettext_lazy("Reply for review"),
            button=gettext_lazy("Submit the reply"),
            own_state=_own_lead_claimed,
        ),
        Action(
            "review_reply",
            payloads.ReviewReplyForm,
            _state_review,
            _is_duty_officer,
            _apply_review,
            label=gettext_lazy("Review the reply"),
            button=gettext_lazy("Record the review"),
        ),
        Action(
            "contribute",
            payloads.ContributeForm,
            _routed,
            _is_co_handler,
            _apply_contribute,
            label=gettext_lazy("Add your unit's input"),
            button=gettext_lazy("Send the input"),
            own_state=_own_claimed,
        ),
        Action(
            "request_extension",
            payloads.ExtensionRequestForm,
            _state_request_extension,
            _is_lead,
            _apply_request_extension,
            label=gettext_lazy("Ask for more time"),
            button=gettext_lazy("Request the extension"),
            own_state=_own_lead_claimed,
        ),
        Action(
            "decide_extension",
            payloads.ExtensionDecisionForm,
            _state_decide_extension,
            _is_duty_officer,
            _apply_decide_extension,
            label=gettext_lazy("Decide the extension request"),
            button=gettext_lazy("Record the decision"),
        ),
        Action(
            "promise",
            payloads.PromiseForm,
            _routed,
            _is_lead,
            _apply_promise,
            label=gettext_lazy("Promise a completion date"),
            button=gettext_lazy("Record the promise"),
            own_state=_own_lead_claimed,
        ),
        Action(
            "explain",
            payloads.ExplainForm,
            _state_explain,
            _explains_for_unit,
            _apply_explain,
            label=gettext_lazy("Give the written explanation"),
            button=gettext_lazy("Send the explanation"),
        ),
    )
}

# What the history calls each step dispatch writes (reports.hooks.register_step): for staff,
# and in plain words for people of grid points (who see only what they filed).
STEPS: dict[str, tuple[Promise, Promise]] = {
    "claim": (
        gettext_lazy("Claimed by the unit"),
        gettext_lazy("Received by the unit responsible"),
    ),
    "contribute": (
        gettext_lazy("Input from a co-handling unit"),
        gettext_lazy("A co-handling unit added its findings"),
    ),
    "reply": (
        gettext_lazy("Reply submitted for review"),
        gettext_lazy("The unit replied; the reply is being reviewed"),
    ),
    "reply_approved": (
        gettext_lazy("Reply approved and published"),
        gettext_lazy("The reply was approved and published"),
    ),
    "reply_sent_back": (
        gettext_lazy("Reply sent back for revision"),
        gettext_lazy("The reply is being revised"),
    ),
    "request_extension": (
        gettext_lazy("More time requested"),
        gettext_lazy("The unit asked for more time"),
    ),
    "extension_approved": (
        gettext_lazy("Extension approved"),
        gettext_lazy("The unit was given more time"),
    ),
    "extension_refused": (
        gettext_lazy("Extension refused"),
        gettext_lazy("The unit was given no more time"),
    ),
    "promise": (
        gettext_lazy("Completion promised"),
        gettext_lazy("The unit promised completion by a date"),
    ),
    "acknowledge_major": (
        gettext_lazy("Acknowledged as a major case"),
        gettext_lazy("City leadership took note"),
    ),
    "explain": (
        gettext_lazy("Written explanation given"),
        gettext_lazy("The unit explained a delay"),
    ),
    "remind": (
        gettext_lazy("Reminded of a deadline"),
        gettext_lazy("The unit was reminded of its deadline"),
    ),
    "urge": (gettext_lazy("Urged (催办)"), gettext_lazy("The unit was urged to act")),
    "supervise": (
        gettext_lazy("Supervision notice issued (督办)"),
        gettext_lazy("A supervision notice was issued to the unit"),
    ),
}
