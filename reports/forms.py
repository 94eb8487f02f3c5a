"""Forms of the report pages: they parse what the browser sends; services decide.

Field names match the keys of the services' ``ValidationError`` dicts, so a service error
lands beside the field it is about (:func:`add_service_errors`).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from grid.models import Level, Region, Unit, User
from reports.attachments import MAX_ATTACHMENTS
from reports.models import (
    MAX_IDEMPOTENCY_KEY,
    MAX_SOURCE_URLS,
    AnswerChannel,
    Category,
    Grade,
    RejectKind,
    Report,
    Satisfaction,
    SourcePlatform,
    Status,
)
from reports.selectors import (
    report_assignable_units,
    report_routable_units,
    units_assignable_by,
)

ATTACHMENT_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (others on the form itself)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks their content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        if obj.level == Level.TOWNSHIP:
            return _("%(name)s (whole township)") % {"name": obj.name}
        return obj.name


class ReportIntakeForm(forms.Form):
    """What an informant fills in on a phone; the intake service validates the substance."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("What was found"),
        max_length=settings.REPORT_BODY_MAX_CHARS,  # the intake service checks it too
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the post says, where it spreads, how many people react."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    source_platform = forms.ChoiceField(
        label=_("Where it was found"), choices=SourcePlatform.choices
    )
    source_urls = forms.CharField(
        label=_("Source links"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "inputmode": "url", "placeholder": "https://…", "spellcheck": "false"}
        ),
        # Interpolated when drawn, in the page's language (``%`` on a lazy text would fix
        # it in the language active at import).
        help_text=lazy(
            lambda: _("One link per line, at most %(n)d.") % {"n": MAX_SOURCE_URLS}, str
        )(),
    )
    discovered_at = forms.DateTimeField(
        label=_("Discovered at"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    region = RegionChoiceField(label=_("Village or township concerned"), queryset=Region.objects)
    suggested_grade = forms.ChoiceField(
        label=_("Suggested grade"), choices=Grade.choices, initial=Grade.GENERAL
    )
    attachments = MultipleFileField(
        label=_("Screenshots or files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
        help_text=lazy(
            lambda: _("Up to %(n)d JPEG, PNG, WebP images or PDF files.") % {"n": MAX_ATTACHMENTS},
            str,
        )(),
    )
    # A second picker that opens the camera directly: ``capture`` on the main picker would
    # stop phones from choosing existing screenshots, which is what informants mostly send.
    photos = MultipleFileField(
        label=_("Take a photo"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=MAX_IDEMPOTENCY_KEY)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = (
            Region.objects.visible_to(user)
            .filter(level__in=[Level.TOWNSHIP, Level.VILLAGE])
            .order_by("path")
        )
        now = timezone.localtime()
        earliest = now - timedelta(days=settings.REPORT_DISCOVERED_MAX_AGE_DAYS)
        self.fields["discovered_at"].widget.attrs["max"] = now.strftime(DATETIME_LOCAL)
        self.fields["discovered_at"].widget.attrs["min"] = earliest.strftime(DATETIME_LOCAL)
        if not self.is_bound:
            self.initial.setdefault("discovered_at", now.replace(second=0, microsecond=0))
            self.initial.setdefault("region", user.region_id)
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_source_urls(self) -> list[str]:
        raw = self.cleaned_data.get("source_urls") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def service_kwargs(self) -> dict:
        """Arguments for ``report_submit`` (the reporter and the files are added by the view)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "category": data["category"],
            "source_platform": data["source_platform"],
            "source_urls": data["source_urls"],
            "region": data["region"],
            "discovered_at": data["discovered_at"],
            "suggested_grade": data["suggested_grade"],
            "attachments": [*data["attachments"], *data["photos"]],
            "idempotency_key": data["idempotency_key"],
        }


# --- transitions: the payload of each one, for the page and the API alike ---------------------
# A payload form is bound to the case it would change and the person asking; the transition
# service (reports.services.transitions) validates it only after the state and the permission
# checks. The API takes the same fields as JSON (reports.api.payloads documents them).


def _reason(label=None, rows: int = 3, message=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=4000,
        error_messages={"required": message} if message else None,
    )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit by id, among those the field's queryset offers."""

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class TransitionForm(forms.Form):
    """What one transition carries. ``expected_status`` is the status the person decided on;
    ``now`` is the moment the transition is applied at (the page: when it is drawn)."""

    expected_status = forms.ChoiceField(
        choices=Status.choices,
        required=False,
        widget=forms.HiddenInput,
        help_text=_(
            "The status the case had when you decided. If it has moved on since, nothing is "
            "changed and the answer is 409."
        ),
    )

    def __init__(self, data=None, *, report: Report, user: User, now=None, **kwargs):
        super().__init__(data, **kwargs)
        self.report = report
        self.user = user
        # The moment the service acts at (its clock), for payloads that depend on time.
        self.now = now or timezone.now()
        if not self.is_bound:
            self.initial.setdefault("expected_status", report.status)

    def event_data(self) -> dict:
        """What the step's event records beyond what the transition says (an extended
        payload's own fields); called once the form is valid."""
        return {}


class AcceptLocalForm(TransitionForm):
    """accept_local: the county admin keeps the case and assigns it to a township or department."""

    unit = UnitChoiceField(
        label=_("Handling unit"),
        queryset=Unit.objects.none(),
        empty_label=_("Choose a unit"),
        help_text=_("A township or department of the case's county."),
        error_messages={
            "required": _("Choose a township or county unit of this county."),
            "invalid_choice": _("Choose a township or county unit of this county."),
        },
    )
    comment = forms.CharField(
        label=_("Note to the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = report_assignable_units(report=self.report)


class EscalateForm(TransitionForm):
    """escalate: send the case to the city duty queue."""

    reason = _reason(message=_("Say why the case goes to the city."))


class ReturnForInfoForm(TransitionForm):
    """return_for_info: ask the reporter for more information; the reason is shown to them."""

    reason = _reason(_("What is missing"), message=_("Say what information is missing."))


class BounceForm(TransitionForm):
    """bounce: the lead unit says the case is not theirs; it goes back to the duty queue."""

    reason = _reason(message=_("Say why this case is not your unit's."))


class ReopenForm(TransitionForm):
    """reopen: the matter came back; the case returns to whoever handled it."""

    reason = _reason(message=_("Say why the case is reopened."))


class ResubmitForm(TransitionForm):
    """resubmit: the reporter adds the information that was asked for."""

    supplement = _reason(
        _("Additional information"), rows=4, message=_("Add the information that was asked for.")
    )


class RejectForm(TransitionForm):
    """reject: invalid, not accepted (不予受理), or a duplicate merged into another case."""

    kind = forms.ChoiceField(
        label=_("Rejected as"),
        choices=RejectKind.choices,
        error_messages={
            "required": _("Choose invalid, duplicate or not accepted."),
            "invalid_choice": _("Choose invalid, duplicate or not accepted."),
        },
    )
    reason = _reason(message=_("Give the reason."))
    duplicate_of = forms.CharField(
        label=_("Original case number"),
        required=False,
        max_length=32,
        help_text=_("Only for duplicates, e.g. YZ-20261122-0042."),
    )

    def clean(self):
        data = super().clean()
        data["original"] = None
        if data.get("kind") != RejectKind.DUPLICATE:
            return data
        number = (data.get("duplicate_of") or "").strip()
        original = (
            Report.objects.visible_to(self.user)
            .filter(case_number=number)
            .exclude(pk=self.report.pk)
            .select_related("duplicate_of")
            .first()
            if number
            else None
        )
        if original is None:
            self.add_error("duplicate_of", _("Give the case number of the original case."))
        else:
            # Merged into a case that was itself merged: credit the case that stands.
            data["original"] = original.duplicate_of or original
        return data


class RouteForm(TransitionForm):
    """route: the duty officer grades the case and sends it to its lead unit."""

    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=Grade.choices,
        error_messages={"required": _("Choose a grade."), "invalid_choice": _("Choose a grade.")},
    )
    lead_unit = UnitChoiceField(
        label=_("Lead unit"),
        queryset=Unit.objects.none(),
        empty_label=_("Choose a unit"),
        help_text=_("A unit whose area covers the case's place."),
        error_messages={
            "required": _("Choose a unit responsible for this place."),
            "invalid_choice": _("Choose a unit responsible for this place."),
        },
    )
    instruction = forms.CharField(
        label=_("Instruction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("A leader's instruction (批示), if any."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = report_routable_units(report=self.report)
        if not self.is_bound:
            self.initial.setdefault("grade", self.report.suggested_grade)


class CloseForm(TransitionForm):
    """close: record how the matter was handled, how and where the citizen was answered and,
    after a return visit (回访), their satisfaction; then close the case."""

    resolution = _reason(
        _("How it was handled"), rows=4, message=_("Describe how the matter was handled.")
    )
    answered_via = forms.ChoiceField(
        label=_("How the citizen was answered"),
        choices=AnswerChannel.choices,
        error_messages={
            "required": _("Say how the citizen was answered."),
            "invalid_choice": _("Choose how the citizen was answered."),
        },
    )
    answered_where = forms.CharField(
        label=_("Where the reply was published"),
        required=False,
        max_length=300,
        help_text=_("A link, the message board or the account that carried the reply."),
    )
    return_visit = forms.BooleanField(label=_("A return visit was made"), required=False)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction on the return visit"),
        choices=[("", _("No return visit")), *Satisfaction.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose satisfied, basically satisfied or not.")},
    )

    def clean(self):
        data = super().clean()
        visited, satisfaction = data.get("return_visit"), data.get("satisfaction")
        if visited and not satisfaction:
            self.add_error("satisfaction", _("Record what the citizen said on the return visit."))
        elif satisfaction and not visited:
            self.add_error("satisfaction", _("Satisfaction is recorded only after a return visit."))
        return data


# --- the county queue --------------------------------------------------------------------------


class IdListField(forms.Field):
    """The ticked case ids. Any id parses: one outside the jurisdiction fails in its service."""

    widget = forms.MultipleHiddenInput
    MAX = 100

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Unknown case selection."), code="invalid") from exc
        if len(ids) > self.MAX:
            raise ValidationError(
                _("Change at most %(n)d cases at once.") % {"n": self.MAX}, code="too_many"
            )
        return ids


class BulkActionForm(forms.Form):
    """An action on several cases of the queue at once; each case goes through its service."""

    ACCEPT_LOCAL = "accept_local"
    ESCALATE = "escalate"

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(ACCEPT_LOCAL, _("Handle in the county")), (ESCALATE, _("Escalate to the city"))],
    )
    ids = IdListField(error_messages={"required": _("Tick at least one case.")})
    unit = UnitChoiceField(
        label=_("Handling unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Choose a unit"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000)
    back = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Townships and departments of the admin's county; the service re-checks each case.
        self.fields["unit"].queryset = units_assignable_by(user)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.ACCEPT_LOCAL and not data.get("unit"):
            self.add_error("unit", _("Choose the unit that handles these cases."))
        if action == self.ESCALATE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why these cases go to the city."))
        return data
