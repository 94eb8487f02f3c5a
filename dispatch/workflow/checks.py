"""When a case's state allows a dispatch action (else 409) and who may take it (else 403)."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dispatch.models import (
    Extension,
    ExtensionState,
    HandlerRole,
    MajorAcknowledgement,
    ReplyState,
    SupervisionNotice,
)
from dispatch.rules import is_duty_officer_for
from dispatch.workflow.act import Act


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
    """The routing's extension request awaiting a decision. Not locked of its own: the runner
    holds the routing's lock, which every change of its extensions takes first; and pages ask
    this outside any transaction, to offer the actions."""
    return act.once(
        "extension",
        lambda: Extension.objects.filter(
            assignment=act.assignment, state=ExtensionState.PENDING
        ).first(),
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
