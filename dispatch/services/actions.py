"""The one runner of dispatch's actions (:mod:`dispatch.workflow`), and a named service for
each, whoever asks: pages, the API, tests.

Every answer comes in the order reports' transitions answer (domain.md): 404 if the case is
outside the person's jurisdiction, 409 if its state does not allow the action (before the
payload is looked at), 403 if this person may not, 409 if their own part is done already, 400
for a bad payload. Each check runs under the case's row lock (and the routing's), so of two
people acting on one case at once one wins and the other is told. Every action writes one
event on the case's timeline and tells who must act next, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from dispatch.models import (
    Assignment,
    AssignmentState,
    Extension,
    ExtensionState,
    Handler,
    MajorAcknowledgement,
    Reply,
    SupervisionNotice,
)
from dispatch.workflow import ACTIONS, Act, Action
from grid.models import User
from reports.models import Report, ReportEvent
from reports.services import PayloadInvalid

if TYPE_CHECKING:
    from dispatch.selectors import CaseDispatch


class UnknownAction(LookupError):
    """No dispatch action of that name (404)."""


class ActionNotAllowed(TransitionNotAllowed):
    """The case's state does not allow the action now (409, like a transition's)."""


def _act_for(report: Report, *, by: User, now: datetime, lock: bool) -> Act:
    assignments = Assignment.objects.filter(report_id=report.pk, state=AssignmentState.ACTIVE)
    if lock:
        assignments = assignments.select_for_update(of=("self",))
    assignment = assignments.first()
    handlers = (
        list(
            Handler.objects.filter(assignment=assignment)
            .select_related("unit")
            .order_by("role", "pk")
        )
        if assignment is not None
        else []
    )
    return Act(report=report, by=by, now=now, assignment=assignment, handlers=handlers)


def _refusal(action: Action, act: Act) -> Exception | None:
    """Why ``act.by`` may not take ``action`` now (the exception to raise), or None."""
    message = action.state(act)
    if message:
        return ActionNotAllowed(message)
    if not action.may(act):
        return PermissionDenied(_("You may not do this to this case."))
    if action.own_state is not None and (message := action.own_state(act)):
        return ActionNotAllowed(message)
    return None


def dispatch_act(
    *,
    report_id: int,
    by: User,
    name: str,
    data: Mapping | None = None,
    prefix: str | None = None,
    now: datetime | None = None,
):
    """Take action ``name`` on a case with payload ``data``; return what it made or changed
    (the handler, reply, extension, routing, acknowledgement or notice).

    ``prefix``: the payload's form prefix (pages carry several forms).
    """
    action = ACTIONS.get(name)
    if action is None:
        raise UnknownAction(_("No such action."))
    with transaction.atomic():
        report = (
            Report.objects.visible_to(by)
            .select_for_update(of=("self",))
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        now = now or timezone.now()  # read once the row is ours: events in time order
        act = _act_for(report, by=by, now=now, lock=True)
        refusal = _refusal(action, act)
        if refusal is not None:
            raise refusal
        form = action.payload(
            data or {}, report=report, user=by, assignment=act.assignment, now=now, prefix=prefix
        )
        if not form.is_valid():
            raise PayloadInvalid(form)
        act.cleaned = form.cleaned_data
        action.apply(act)
        ReportEvent.objects.create(
            report=report,
            transition=act.event or name,
            source=report.status,
            target=report.status,
            actor=by,
            at=now,
            comment=act.comment,
            data=act.data,
            unit=act.unit,
            internal=True,
        )
    return act.result


def _act_from(held: CaseDispatch, report: Report, *, by: User, now: datetime) -> Act:
    """The act :func:`_act_for` reads (unlocked), from what a page read already: every routing
    of the case with its units, extensions and supervision notices (``case_dispatch_for``), so
    that offering the actions asks nothing more. A case never routed has no acknowledgements
    either (they are made by routing it as major)."""
    current = held.current
    act = Act(
        report=report,
        by=by,
        now=now,
        assignment=current,
        handlers=list(current.handlers.all()) if current is not None else [],
    )
    act._cache["extension"] = (
        next((e for e in current.extensions.all() if e.state == ExtensionState.PENDING), None)
        if current is not None
        else None
    )
    act._cache["notices"] = [
        n for routing in held.routings for n in routing.notices.all() if n.explained_at is None
    ]
    if not held.routings:
        act._cache["acks"] = []
    return act


def dispatch_available_actions(
    *, user: User, report: Report, now: datetime | None = None, held: CaseDispatch | None = None
) -> list[str]:
    """Names of the actions ``user`` may take on ``report`` now: what pages and the API offer
    (``report`` is one ``user`` may see). A few queries, whatever the case; none but the
    acknowledgements of a routed case given ``held``, the case's routings as the page read
    them (``case_dispatch_for``)."""
    now = now or timezone.now()
    if held is not None:
        act = _act_from(held, report, by=user, now=now)
    else:
        act = _act_for(report, by=user, now=now, lock=False)
    return [name for name, action in ACTIONS.items() if _refusal(action, act) is None]


def dispatch_payload_form(
    *, name: str, user: User, report: Report, now: datetime | None = None, prefix: str | None = None
):
    """An unbound payload form of action ``name`` for the page (the routing read fresh)."""
    act = _act_for(report, by=user, now=now or timezone.now(), lock=False)
    return ACTIONS[name].payload(
        report=report, user=user, assignment=act.assignment, now=act.now, prefix=prefix
    )


# --- one named service per action ------------------------------------------------------------


def assignment_claim(
    *, report_id: int, by: User, note: str = "", now: datetime | None = None
) -> Handler:
    """The unit of ``by`` received the case (签收): its claim clock stops, the time is kept."""
    return dispatch_act(report_id=report_id, by=by, name="claim", data={"note": note}, now=now)


def assignment_contribute(
    *, report_id: int, by: User, text: str, now: datetime | None = None
) -> Handler:
    """A co-handling unit gives the lead unit its input (协办意见)."""
    return dispatch_act(report_id=report_id, by=by, name="contribute", data={"text": text}, now=now)


def reply_submit(
    *, report_id: int, by: User, disposal: str, citizen_text: str, now: datetime | None = None
) -> Reply:
    """The lead unit replies (first or revised), for a duty officer's review."""
    return dispatch_act(
        report_id=report_id,
        by=by,
        name="reply",
        data={"disposal": disposal, "citizen_text": citizen_text},
        now=now,
    )


def reply_review(
    *,
    report_id: int,
    by: User,
    decision: str,
    comment: str = "",
    published_via: str = "",
    published_where: str = "",
    published_at: datetime | None = None,
    now: datetime | None = None,
) -> Reply:
    """A duty officer approves the reply (it counts as published, where and when said) or
    sends it back with comments for the unit to revise."""
    data = {
        "decision": decision,
        "comment": comment,
        "published_via": published_via,
        "published_where": published_where,
    }
    if published_at is not None:
        data["published_at"] = published_at
    return dispatch_act(report_id=report_id, by=by, name="review_reply", data=data, now=now)


def extension_request(
    *, report_id: int, by: User, days: int, reason: str, now: datetime | None = None
) -> Extension:
    """The lead unit asks for ``days`` more (working days, in the reply rule's unit)."""
    return dispatch_act(
        report_id=report_id,
        by=by,
        name="request_extension",
        data={"days": days, "reason": reason},
        now=now,
    )


def extension_decide(
    *,
    report_id: int,
    by: User,
    decision: str,
    days: int | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> Extension:
    """A duty officer approves the pending extension (``days`` or as asked, capped at the
    rule's maximum since the routing) or refuses it."""
    data = {"decision": decision, "comment": comment}
    if days is not None:
        data["days"] = days
    return dispatch_act(report_id=report_id, by=by, name="decide_extension", data=data, now=now)


def promise_record(
    *, report_id: int, by: User, promised_on: date, note: str, now: datetime | None = None
) -> Assignment:
    """The lead unit promises completion by the end of ``promised_on`` (承诺时限)."""
    return dispatch_act(
        report_id=report_id,
        by=by,
        name="promise",
        data={"promised_on": promised_on, "note": note},
        now=now,
    )


def major_case_acknowledge(
    *, report_id: int, by: User, now: datetime | None = None
) -> MajorAcknowledgement:
    """A city leader or duty officer acknowledges a major case (their banner goes away)."""
    return dispatch_act(report_id=report_id, by=by, name="acknowledge_major", data={}, now=now)


def explanation_record(
    *,
    report_id: int,
    by: User,
    text: str,
    notice_id: int | None = None,
    now: datetime | None = None,
) -> SupervisionNotice:
    """The unit records its written explanation (书面说明) for a supervision notice (the only
    one awaiting it when ``notice_id`` is None)."""
    data = {"text": text}
    if notice_id is not None:
        data["notice"] = notice_id
    return dispatch_act(report_id=report_id, by=by, name="explain", data=data, now=now)
