"""What each dispatch action does to the case and its routing, and what the history records."""

from __future__ import annotations

from dispatch import tell
from dispatch.deadlines import extended_reply, iso
from dispatch.models import (
    ClockKind,
    ClockOutcome,
    Extension,
    ExtensionDecision,
    ExtensionState,
    Handler,
    MajorAcknowledgement,
    Reply,
    ReplyState,
    ReviewDecision,
    SupervisionNotice,
)
from dispatch.services.clocks import clock_move, clocks_pause, clocks_resume, clocks_stop
from dispatch.workflow.act import Act
from dispatch.workflow.checks import (
    _my_acknowledgement,
    _pending_extension,
)
from grid.workdays import Deadline

# --- what each one does ----------------------------------------------------------------------


def _apply_claim(act: Act) -> None:
    handler = act.handler
    handler.claimed_at, handler.claimed_by = act.now, act.by
    handler.due_at = act.assignment.reply_due_at  # claimed: the reply is due next
    handler.save(update_fields=["claimed_at", "claimed_by", "due_at"])
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
        # The units that claimed it now answer by the new deadline.
        Handler.objects.filter(assignment=assignment, claimed_at__isnull=False).update(
            due_at=due.at
        )
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
