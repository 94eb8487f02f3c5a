"""Every action of dispatch on a routed case, declared once: its payload, when the case's state
allows it (else 409), who may (else 403), what it does, its words and whom it tells.

:func:`dispatch.services.dispatch_act` is the one runner, in the order reports' transitions
answer: 404 outside the jurisdiction, 409 when the state does not allow it (checked before the
payload), 403 when this person may not, 409 when their own part is done already (their unit
claimed, they acknowledged), 400 for a bad payload. ``apply`` runs under the case's row lock
with the routing locked too, writes what the step changes and says what the case's history
records (``Act.event``, ``comment``, ``data``, ``unit``).

The package: ``act`` (the action being taken and its declaration), ``checks`` (409 and 403),
``steps`` (what each does); this module declares the table of every action.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from dispatch import forms as payloads
from dispatch.workflow.act import Act, Action  # noqa: F401 (re-exported)
from dispatch.workflow.checks import (
    _explains_for_unit,
    _is_asked_to_acknowledge,
    _is_co_handler,
    _is_duty_officer,
    _is_handler,
    _is_lead,
    _own_acknowledge,
    _own_claim,
    _own_claimed,
    _own_lead_claimed,
    _routed,
    _state_acknowledge,
    _state_claim,
    _state_decide_extension,
    _state_explain,
    _state_reply,
    _state_request_extension,
    _state_review,
)
from dispatch.workflow.steps import (
    _apply_acknowledge,
    _apply_claim,
    _apply_contribute,
    _apply_decide_extension,
    _apply_explain,
    _apply_promise,
    _apply_reply,
    _apply_request_extension,
    _apply_review,
)

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
