"""Payload forms of dispatch's actions, for the pages and the API alike (one declaration each).

A payload form is bound to the case it would change, the person asking, the case's current
routing and the moment the service acts at; the action service (:mod:`dispatch.services.
actions`) validates it only after the state and permission checks, like reports' transitions.
The route transition's payload is reports' ``RouteForm`` extended (:class:`RouteDispatchForm`,
registered with ``reports.hooks.extend_payload``).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dispatch.deadlines import end_of_day, iso, routing_deadlines
from dispatch.models import (
    Assignment,
    ExtensionDecision,
    ReviewDecision,
    SupervisionNotice,
)
from dispatch.selectors import emergency_centre_for
from grid.models import Unit, User
from grid.workdays import Deadline
from reports.forms import RouteForm, UnitChoiceField
from reports.models import AnswerChannel, Grade, Report

TEXT_MAX = 4000
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The grades the emergency command centre leads (domain.md, Workflow).
EMERGENCY_GRADES = frozenset({Grade.DIFFICULT, Grade.SUDDEN})
# The longest an extension may ask for, in the reply rule's unit; the rule's maximum caps
# what is granted (dispatch.deadlines.extended_reply).
MAX_EXTENSION_DAYS = 10
# How far ahead a unit may promise completion.
MAX_PROMISE_DAYS = 366


def _text(label, *, message, rows: int = 4, required: bool = True, help_text=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": message} if message else None,
    )


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    """Several units by id, among those the field's queryset offers."""

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


# --- route (reports' transition, extended) ---------------------------------------------------


class RouteDispatchForm(RouteForm):
    """route: grade, lead unit, optional co-handling units (协办), the leader's instruction and
    the reply deadline. The deadline defaults to what the rule proposes for the grade and may
    be shortened, never lengthened. Difficult and sudden cases are led by the emergency
    command centre (``lead_unit`` may be left out); a major case is also told to every city
    leader and duty officer at once, each of whom acknowledges it."""

    co_units = UnitsChoiceField(
        label=_("Co-handling units"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "Units that help the lead unit (协办); each claims the case and adds its input."
        ),
        error_messages={
            "invalid_choice": _("Choose co-handling units responsible for this place."),
            "invalid_pk_value": _("Choose co-handling units responsible for this place."),
        },
    )
    reply_due_at = forms.DateTimeField(
        label=_("Reply due"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Empty: what the rule gives for the grade. It may be earlier, never later."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_units"].queryset = self.fields["lead_unit"].queryset
        # Required except for the grades the emergency command centre leads (clean()).
        self.fields["lead_unit"].required = False
        if not self.is_bound:
            grade = self.initial.get("grade") or self.report.suggested_grade
            proposal = routing_deadlines(start=self.now, grade=grade).reply
            self.initial.setdefault("reply_due_at", timezone.localtime(proposal.at))

    def clean(self):
        data = super().clean()
        grade = data.get("grade")
        lead = data.get("lead_unit")
        if grade in EMERGENCY_GRADES:
            centre = emergency_centre_for(self.report)
            if centre is None:
                self.add_error(
                    "lead_unit",
                    _(
                        "The city has no emergency command centre to lead this case: "
                        "add it as a unit."
                    ),
                )
            elif lead is not None and lead != centre:
                self.add_error(
                    "lead_unit",
                    _(
                        "Difficult cases and sudden incidents are led by the emergency command "
                        "centre; add other units as co-handlers."
                    ),
                )
            else:
                data["lead_unit"] = lead = centre
        elif lead is None and "lead_unit" not in self.errors:
            self.add_error("lead_unit", self.fields["lead_unit"].error_messages["required"])
        co_units = list(data.get("co_units") or [])
        if lead is not None and lead in co_units:
            self.add_error("co_units", _("The lead unit cannot also co-handle the case."))
        data["co_units"] = co_units
        if grade:
            self._clean_deadline(data, grade)
        return data

    def event_data(self) -> dict:
        """The routing event also records the co-handling units and the reply deadline."""
        data = self.cleaned_data
        due = data.get("reply_due")
        recorded = {
            "co_units": [u.pk for u in data["co_units"]],
            "co_unit_names": [u.name for u in data["co_units"]],
        }
        if due is not None:
            recorded |= {
                "reply_due_at": iso(due.at),
                "reply_due_assumed": due.assumed_weekdays,
            }
        return recorded

    def _clean_deadline(self, data: dict, grade: str) -> None:
        """``reply_due``: the deadline asked for, at most the rule's proposal, in the future."""
        proposal = routing_deadlines(start=self.now, grade=grade).reply
        asked = data.get("reply_due_at")
        if asked is None or asked == proposal.at:
            data["reply_due"] = proposal
        elif asked > proposal.at:
            self.add_error(
                "reply_due_at",
                gettext("The reply may be due at the latest at %(due)s, as the rule gives.")
                % {"due": _when(proposal.at)},
            )
        elif asked <= self.now:
            self.add_error("reply_due_at", _("The reply deadline must lie in the future."))
        else:
            # A moment the officer set: counted on no calendar, so assumed nothing.
            data["reply_due"] = Deadline(at=asked)


# --- the unit's work and its review ----------------------------------------------------------


class ActionForm(forms.Form):
    """What one dispatch action carries, bound to the case, the person, the case's current
    routing (None if it has none) and the moment the service acts at."""

    def __init__(
        self,
        data=None,
        *,
        report: Report,
        user: User,
        assignment: Assignment | None,
        now=None,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.report = report
        self.user = user
        self.assignment = assignment
        self.now = now or timezone.now()


class ClaimForm(ActionForm):
    """claim: the unit has received the case (签收)."""

    note = _text(_("Note"), message=None, rows=2, required=False)


class ContributeForm(ActionForm):
    """contribute: a co-handling unit's input for the lead unit (协办意见)."""

    text = _text(_("Your unit's input"), message=_("Write your unit's input for the lead unit."))


class ReplyForm(ActionForm):
    """reply: the lead unit's disposal and the text for the citizen, for review (审核)."""

    disposal = _text(
        _("What was done"), message=_("Describe what your unit found and did."), rows=5
    )
    citizen_text = _text(
        _("Reply to the citizen"),
        message=_("Write the reply to be published to the citizen."),
        rows=5,
        help_text=_("Published once a duty officer approves it."),
    )


class ReviewReplyForm(ActionForm):
    """review_reply: approve the reply and record where and when it was published, or send it
    back with comments for the unit to revise."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Approve the reply or send it back."),
            "invalid_choice": _("Approve the reply or send it back."),
        },
    )
    comment = _text(
        _("Comments"),
        message=None,
        rows=3,
        required=False,
        help_text=_("Required when sending the reply back: what must change."),
    )
    published_via = forms.ChoiceField(
        label=_("Published by"),
        choices=[("", "—"), *AnswerChannel.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose how the reply was published.")},
    )
    published_where = forms.CharField(
        label=_("Published where"),
        max_length=300,
        required=False,
        help_text=_("A link, the message board or the account that carries the reply."),
    )
    published_at = forms.DateTimeField(
        label=_("Published at"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Empty: now."),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == ReviewDecision.SEND_BACK and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the unit must change."))
        if decision == ReviewDecision.APPROVE:
            if not data.get("published_via") and "published_via" not in self.errors:
                self.add_error("published_via", _("Say how the reply was published."))
            published = data.get("published_at")
            if published is not None and published > self.now + timedelta(minutes=1):
                self.add_error(
                    "published_at", _("A reply cannot have been published later than now.")
                )
            data["published_at"] = published or self.now
        return data


class ExtensionRequestForm(ActionForm):
    """request_extension: the lead unit asks for more time to reply, saying why (延期申请)."""

    days = forms.IntegerField(
        label=_("Working days more"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        error_messages={"required": _("Say how many working days more your unit needs.")},
    )
    reason = _text(_("Reason"), message=_("Say why your unit needs more time."), rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.assignment is not None:
            self.fields["days"].help_text = gettext(
                "The reply can be moved to %(latest)s at the latest."
            ) % {"latest": _when(self.assignment.reply_max_due_at)}


class ExtensionDecisionForm(ActionForm):
    """decide_extension: the duty officer approves the extension (as asked or shorter; never
    past the rule's maximum) or refuses it."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ExtensionDecision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Approve or refuse the extension."),
            "invalid_choice": _("Approve or refuse the extension."),
        },
    )
    days = forms.IntegerField(
        label=_("Working days granted"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        required=False,
        help_text=_("Empty: as many as asked for."),
    )
    comment = _text(
        _("Comment"),
        message=None,
        rows=2,
        required=False,
        help_text=_("Required when refusing."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == ExtensionDecision.REFUSE
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say why the extension is refused."))
        return data


class PromiseForm(ActionForm):
    """promise: the lead unit promises to complete by a date (承诺时限) when the problem cannot
    be fixed at once; the date is tracked like a deadline."""

    promised_on = forms.DateField(
        label=_("Completed by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date your unit promises completion by."),
            "invalid": _("Use a date like 2026-11-22."),
        },
    )
    note = _text(
        _("What is promised"), message=_("Say what your unit promises to complete."), rows=2
    )

    def clean_promised_on(self):
        day = self.cleaned_data["promised_on"]
        today = timezone.localdate(self.now)
        if day < today:
            raise forms.ValidationError(_("A promised date cannot lie in the past."))
        if day > today + timedelta(days=MAX_PROMISE_DAYS):
            raise forms.ValidationError(_("Promise a date within a year."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("promised_on") is not None:
            data["promised_at"] = end_of_day(data["promised_on"])
        return data


class AcknowledgeMajorForm(ActionForm):
    """acknowledge_major: you have taken note of this major case (the banner goes away)."""


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupervisionNotice) -> str:
        return obj.number


class ExplainForm(ActionForm):
    """explain: the unit's written explanation (书面说明) asked for by a supervision notice."""

    notice = NoticeChoiceField(
        label=_("Supervision notice"),
        queryset=SupervisionNotice.objects.none(),
        required=False,
        help_text=_("Empty: the only notice awaiting your unit's explanation."),
        error_messages={"invalid_choice": _("Choose a notice awaiting your unit's explanation.")},
    )
    text = _text(
        _("Written explanation"),
        message=_("Write your unit's explanation of the delay and what it does now."),
        rows=5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = SupervisionNotice.objects.filter(
            report=self.report, unit_id=self.user.unit_id, explained_at__isnull=True
        ).order_by("issued_at", "id")

    def clean(self):
        data = super().clean()
        if data.get("notice") is None and "notice" not in self.errors:
            waiting = list(self.fields["notice"].queryset[:2])
            if len(waiting) == 1:
                data["notice"] = waiting[0]
            else:
                self.add_error("notice", _("Choose the notice you explain."))
        return data


__all__ = [
    "EMERGENCY_GRADES",
    "AcknowledgeMajorForm",
    "ActionForm",
    "ClaimForm",
    "ContributeForm",
    "ExplainForm",
    "ExtensionDecisionForm",
    "ExtensionRequestForm",
    "PromiseForm",
    "ReplyForm",
    "ReviewReplyForm",
    "RouteDispatchForm",
    "UnitChoiceField",
]
