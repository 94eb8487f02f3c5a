"""Dispatch: what happens to a case once the city routes it.

``assignment`` holds the routings (who leads, who co-handles, the deadlines), the units' work on
them (claim, reply and its review, extensions) and the acknowledgements of major cases;
``clocks`` holds the deadlines the beat sweep watches, the steps it took (reminder, urging,
supervision) and the supervision notices with the units' written explanations.
"""

from dispatch.models.assignment import (
    Assignment,
    Extension,
    Handler,
    MajorAcknowledgement,
    Reply,
    handlers_set_due,
)
from dispatch.models.choices import (
    AssignmentState,
    ClockKind,
    ClockOutcome,
    ClockStepKind,
    ExtensionDecision,
    ExtensionState,
    HandlerRole,
    ReplyState,
    ReviewDecision,
)
from dispatch.models.clocks import Clock, ClockStep, SupervisionNotice

__all__ = [
    "Assignment",
    "AssignmentState",
    "Clock",
    "ClockKind",
    "ClockOutcome",
    "ClockStep",
    "ClockStepKind",
    "Extension",
    "ExtensionDecision",
    "ExtensionState",
    "Handler",
    "HandlerRole",
    "MajorAcknowledgement",
    "Reply",
    "ReplyState",
    "ReviewDecision",
    "SupervisionNotice",
    "handlers_set_due",
]
