"""Every workflow transition, declared once: its payload, what it does, its words, who is told.

The model holds the pure django-fsm transitions (source, target, permission); here each of
them gets the rest, in one :class:`Transition`: the payload form the page and the API both
validate, ``apply`` (calls the model's transition with the cleaned payload and says what the
history records), the words people read, and whom to tell. :func:`reports.services.
report_transition` is the one service that runs any of them; other apps extend them through
:mod:`reports.hooks`.

Adding a transition: a method on ``Report`` with ``@transition``, a payload form, and an entry
in :data:`TRANSITIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grid.models import Region, Role, Unit, User
from notifications.services import notify, notify_where
from reports import forms as payloads
from reports.hooks import extended_payload, step_words_of
from reports.models import Report, ReportEvent


@dataclass
class Step:
    """One transition being applied, as ``apply``, ``tell`` and registered hooks see it.

    ``cleaned`` is the payload form's ``cleaned_data``; ``apply`` fills ``comment``, ``data``
    and ``unit`` (what the event records); ``event`` is set once the event is written.
    """

    report: Report
    by: User
    name: str
    source: str
    now: datetime
    cleaned: dict
    comment: str = ""
    data: dict = field(default_factory=dict)
    unit: Unit | None = None
    event: ReportEvent | None = None


@dataclass(frozen=True)
class Transition:
    """Everything about one transition besides its django-fsm declaration on ``Report``."""

    name: str
    payload: type[payloads.TransitionForm]
    apply: Callable[[Step], None]
    label: Promise  # the action, as its heading on the case page and in the API
    button: Promise  # the button that does it
    done: Promise  # the step, as the history names it
    tell: Callable[[Step], None] | None = None  # who must act or know next
    # Steps of the city's routing: reporters see them only in plain words (``plain``),
    # without comment or details.
    internal: bool = False
    plain: Promise | None = None


# --- who is told -----------------------------------------------------------------------------


def _case_url(report: Report) -> str:
    return reverse("report-detail", args=[report.pk])


def _tell_people(step: Step, people) -> None:
    report = step.report
    notify_where(
        recipients=people.filter(is_active=True),
        kind=f"report_{step.name}",
        subject=report.case_number,
        text=report.title,
        url=_case_url(report),
    )


def _tell_reporter(step: Step) -> None:
    report = step.report
    notify(
        recipient_ids=[report.reporter_id],
        kind=f"report_{step.name}",
        subject=report.case_number,
        text=report.title,
        url=_case_url(report),
    )


def _tell_county_admins(step: Step) -> None:
    _tell_people(step, User.objects.filter(role=Role.COUNTY_ADMIN, region_id=step.report.county_id))


def _tell_duty_officers(step: Step) -> None:
    city = Region.objects.filter(code=step.report.region_path.split("/", 1)[0]).values("pk")
    _tell_people(step, User.objects.filter(role=Role.DUTY_OFFICER, region__in=city))


def _tell_unit(step: Step) -> None:
    _tell_people(step, User.objects.filter(role=Role.UNIT_LIAISON, unit=step.unit))


def _both(*tellers: Callable[[Step], None]) -> Callable[[Step], None]:
    def tell(step: Step) -> None:
        for teller in tellers:
            teller(step)

    return tell


# --- what each one does ----------------------------------------------------------------------


def _accept_local(step: Step) -> None:
    unit = step.cleaned["unit"]
    step.report.accept_local(unit=unit)
    step.unit = unit
    step.comment = step.cleaned["comment"]
    step.data = {"unit": unit.pk, "unit_name": unit.name}


def _with_reason(method: str) -> Callable[[Step], None]:
    def apply(step: Step) -> None:
        getattr(step.report, method)()
        step.comment = step.cleaned["reason"]

    apply.__name__ = f"_{method}"
    return apply


def _resubmit(step: Step) -> None:
    step.report.resubmit()
    step.comment = step.cleaned["supplement"]
    step.data = {"supplement": step.cleaned["supplement"]}


def _reject(step: Step) -> None:
    kind, original = step.cleaned["kind"], step.cleaned["original"]
    step.report.reject(kind=kind, duplicate_of=original)
    step.comment = step.cleaned["reason"]
    step.data = {"kind": kind}
    if original is not None:
        step.data["duplicate_of"] = original.case_number


def _route(step: Step) -> None:
    grade, unit = step.cleaned["grade"], step.cleaned["lead_unit"]
    step.report.route(grade=grade, lead_unit=unit)
    step.unit = unit
    step.comment = step.cleaned["instruction"]
    step.data = {"grade": grade, "lead_unit": unit.pk, "lead_unit_name": unit.name}


def _bounce(step: Step) -> None:
    step.unit = step.report.lead_unit  # the misroute is counted against the routing
    step.report.bounce()
    step.comment = step.cleaned["reason"]


CLOSE_ANSWER = ("answered_via", "answered_where", "return_visit", "satisfaction")


def _close(step: Step) -> None:
    step.unit = step.report.lead_unit or step.report.assigned_unit
    answer = {key: step.cleaned[key] for key in CLOSE_ANSWER}
    step.report.close(resolution=step.cleaned["resolution"], at=step.now, **answer)
    step.comment = step.cleaned["resolution"]
    step.data = {key: value for key, value in answer.items() if value}


def _reopen(step: Step) -> None:
    step.report.reopen()
    step.unit = step.report.lead_unit or step.report.assigned_unit
    step.comment = step.cleaned["reason"]


# In the order the case page offers them.
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "close",
            payloads.CloseForm,
            _close,
            label=_("Close with a resolution"),
            button=_("Close the case"),
            done=_("Closed"),
            tell=_tell_reporter,
        ),
        Transition(
            "accept_local",
            payloads.AcceptLocalForm,
            _accept_local,
            label=_("Handle in the county"),
            button=_("Assign"),
            done=_("Assigned for local handling"),
            tell=_both(_tell_unit, _tell_reporter),
        ),
        Transition(
            "escalate",
            payloads.EscalateForm,
            _with_reason("escalate"),
            label=_("Escalate to the city"),
            button=_("Escalate"),
            done=_("Escalated to the city"),
            tell=_both(_tell_duty_officers, _tell_reporter),
        ),
        Transition(
            "return_for_info",
            payloads.ReturnForInfoForm,
            _with_reason("return_for_info"),
            label=_("Ask the reporter for more information"),
            button=_("Return to reporter"),
            done=_("Returned for more information"),
            tell=_tell_reporter,
        ),
        Transition(
            "reject",
            payloads.RejectForm,
            _reject,
            label=_("Reject"),
            button=_("Reject"),
            done=_("Rejected"),
            tell=_tell_reporter,
        ),
        Transition(
            "route",
            payloads.RouteForm,
            _route,
            label=_("Grade and route"),
            button=_("Route"),
            done=_("Graded and routed"),
            tell=_tell_unit,
            internal=True,
            plain=_("Passed to the unit responsible"),
        ),
        Transition(
            "bounce",
            payloads.BounceForm,
            _bounce,
            label=_("Not our unit's case"),
            button=_("Send back to the city"),
            done=_("Sent back by the unit"),
            tell=_tell_duty_officers,
            internal=True,
            plain=_("Back with the city platform, to find the unit responsible"),
        ),
        Transition(
            "reopen",
            payloads.ReopenForm,
            _reopen,
            label=_("Reopen the case"),
            button=_("Reopen"),
            done=_("Reopened"),
            tell=_tell_reporter,
        ),
        Transition(
            "resubmit",
            payloads.ResubmitForm,
            _resubmit,
            label=_("Send the missing information"),
            button=_("Resubmit"),
            done=_("More information added"),
            tell=_tell_county_admins,
        ),
    )
}

# What the history calls a report's first step, which is not a transition.
SUBMITTED = _("Filed")


def payload_form(name: str) -> type[payloads.TransitionForm]:
    """The payload form of ``name``: its own, or the one another app extended it with."""
    own = TRANSITIONS[name].payload
    extended = extended_payload(name)
    if extended is None:
        return own
    if not issubclass(extended, own):
        raise TypeError(f"{extended.__name__} must extend {own.__name__}")
    return extended


def step_words(name: str, *, internal_view: bool) -> str:
    """What the history calls a step: ``internal_view`` for staff, plain words otherwise."""
    if name == "submit":
        return str(SUBMITTED)
    transition = TRANSITIONS.get(name)
    if transition is None:
        other = step_words_of(name)  # a step another app writes (reports.hooks.register_step)
        if other is None:
            return name
        if not internal_view and other.plain is not None:
            return str(other.plain)
        return str(other.done)
    if transition.internal and not internal_view and transition.plain is not None:
        return str(transition.plain)
    return str(transition.done)
