"""Writes of dispatch: the routing's part of reports' transitions, the units' actions on a
routed case, and the reminder sweep. Views, API views and tasks call these."""

from dispatch.services.actions import (
    ActionNotAllowed,
    UnknownAction,
    assignment_claim,
    assignment_contribute,
    dispatch_act,
    dispatch_available_actions,
    dispatch_payload_form,
    explanation_record,
    extension_decide,
    extension_request,
    major_case_acknowledge,
    promise_record,
    reply_review,
    reply_submit,
)
from dispatch.services.sweep import SweepResult, clocks_sweep

__all__ = [
    "ActionNotAllowed",
    "SweepResult",
    "UnknownAction",
    "assignment_claim",
    "assignment_contribute",
    "clocks_sweep",
    "dispatch_act",
    "dispatch_available_actions",
    "dispatch_payload_form",
    "explanation_record",
    "extension_decide",
    "extension_request",
    "major_case_acknowledge",
    "promise_record",
    "reply_review",
    "reply_submit",
]
