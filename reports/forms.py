"""Forms of the report pages: they parse what the browser sends; services decide.

Field names match the keys of the services' ``ValidationError`` dicts, so a service error
lands beside the field it is about (:func:`add_service_errors`).
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grid.models import Level, Region, Unit, User
from reports.attachments import MAX_ATTACHMENTS
from reports.models import Category, Grade, RejectKind, Report, SourcePlatform
from reports.selectors import (
    report_assignable_units,
    report_routable_units,
    units_assignable_by,
)
from reports.services import MAX_SOURCE_URLS

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
        help_text=_("One link per line, at most %(n)d.") % {"n": MAX_SOURCE_URLS},
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
        help_text=_("Up to %(n)d JPEG, PNG, WebP images or PDF files.") % {"n": MAX_ATTACHMENTS},
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
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = (
            Region.objects.visible_to(user)
            .filter(level__in=[Level.TOWNSHIP, Level.VILLAGE])
            .order_by("path")
        )
        now = timezone.localtime()
        self.fields["discovered_at"].widget.attrs["max"] = now.strftime(DATETIME_LOCAL)
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


# --- transitions -------------------------------------------------------------------------------


def _reason(label=None, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"), widget=forms.Textarea(attrs={"rows": rows}), max_length=4000
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class TransitionForm(forms.Form):
    """One action on a case. ``seen_status`` is the status the person was looking at."""

    name: str = ""
    label = ""
    button = ""
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, report: Report, **kwargs):
        kwargs.setdefault("prefix", self.name)
        kwargs.setdefault("initial", {"seen_status": report.status})
        super().__init__(*args, **kwargs)
        self.report = report

    def service_kwargs(self) -> dict:
        """Keyword arguments for this transition's service (besides report_id and by)."""
        raise NotImplementedError


class AcceptLocalForm(TransitionForm):
    name = "accept_local"
    label = _("Handle in the county")
    button = _("Assign")
    unit = UnitChoiceField(
        label=_("Handling unit"), queryset=Unit.objects.none(), empty_label=_("Choose a unit")
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

    def service_kwargs(self) -> dict:
        return {"unit_id": self.cleaned_data["unit"].pk, "comment": self.cleaned_data["comment"]}


class _ReasonForm(TransitionForm):
    reason = _reason()

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class EscalateForm(_ReasonForm):
    name = "escalate"
    label = _("Escalate to the city")
    button = _("Escalate")


class ReturnForInfoForm(_ReasonForm):
    name = "return_for_info"
    label = _("Ask the reporter for more information")
    button = _("Return to reporter")
    reason = _reason(_("What is missing"))


class BounceForm(_ReasonForm):
    name = "bounce"
    label = _("Not our unit's case")
    button = _("Send back to the city")


class ReopenForm(_ReasonForm):
    name = "reopen"
    label = _("Reopen the case")
    button = _("Reopen")


class RejectForm(TransitionForm):
    name = "reject"
    label = _("Reject")
    button = _("Reject")
    kind = forms.ChoiceField(label=_("Rejected as"), choices=RejectKind.choices)
    reason = _reason()
    duplicate_of = forms.CharField(
        label=_("Original case number"),
        required=False,
        max_length=32,
        help_text=_("Only for duplicates, e.g. YZ-20261122-0042."),
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "reason": data["reason"],
            "duplicate_of": data["duplicate_of"],
        }


class RouteForm(TransitionForm):
    name = "route"
    label = _("Grade and route")
    button = _("Route")
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    lead_unit = UnitChoiceField(
        label=_("Lead unit"), queryset=Unit.objects.none(), empty_label=_("Choose a unit")
    )
    instruction = forms.CharField(
        label=_("Instruction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = report_routable_units(report=self.report)
        if not self.is_bound:
            self.initial.setdefault("grade", self.report.suggested_grade)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "grade": data["grade"],
            "lead_unit_id": data["lead_unit"].pk,
            "instruction": data["instruction"],
        }


class CloseForm(TransitionForm):
    name = "close"
    label = _("Close with a resolution")
    button = _("Close the case")
    resolution = _reason(_("How it was handled"), rows=4)

    def service_kwargs(self) -> dict:
        return {"resolution": self.cleaned_data["resolution"]}


class ResubmitForm(TransitionForm):
    name = "resubmit"
    label = _("Send the missing information")
    button = _("Resubmit")
    supplement = _reason(_("Additional information"), rows=4)

    def service_kwargs(self) -> dict:
        return {"supplement": self.cleaned_data["supplement"]}


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    form.name: form
    for form in (
        CloseForm,
        AcceptLocalForm,
        EscalateForm,
        ReturnForInfoForm,
        RejectForm,
        RouteForm,
        BounceForm,
        ReopenForm,
        ResubmitForm,
    )
}


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
