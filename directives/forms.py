"""The forms of the notice pages; the services validate the substance (jurisdiction,
deadlines), the forms only the shapes."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from directives.models import ForwardPlatform, NoticeKind
from grid.models import Level, Region, Unit
from reports.forms import ATTACHMENT_ACCEPT, DATETIME_LOCAL, MultipleFileField, MultipleFileInput
from reports.models import Report

DATETIME_FORMATS = [DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _deadline(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class RegionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        if obj.level == Level.CITY:
            return _("%(name)s (whole city)") % {"name": obj.name}
        if obj.level == Level.COUNTY:
            return _("%(name)s (all grid points)") % {"name": obj.name}
        return f"　{obj.name}"


class NoticeForm(forms.Form):
    """Issue a notice: what it says, to which nodes, what it asks and by when."""

    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices, initial=NoticeKind.NOTICE)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea({"rows": 6}))
    regions = RegionsField(
        label=_("Regions"),
        required=False,
        queryset=Region.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Every active grid point under each chosen region receives it."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    needs_ack = forms.BooleanField(label=_("Needs acknowledgement"), required=False, initial=True)
    ack_due_at = _deadline(_("Acknowledge by"))
    needs_report = forms.BooleanField(label=_("Needs a completion report"), required=False)
    report_due_at = _deadline(_("Report by"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    # A rumour refutation or an authoritative statement: what the nodes forward.
    share_text = forms.CharField(
        label=_("Text to forward"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("What informants post into the groups they watch."),
    )
    share_link = forms.URLField(
        label=_("Link to forward"), required=False, max_length=500, assume_scheme="https"
    )
    reports = forms.CharField(
        label=_("Reports about the rumour"),
        required=False,
        max_length=1000,
        help_text=_("Case numbers, separated by spaces or commas."),
    )
    # An instruction received from above (上级指令), relayed onward.
    relayed_from = forms.CharField(
        label=_("Received from"),
        required=False,
        max_length=200,
        help_text=_("The body above that sent it; the duty log records the relay."),
    )
    relayed_received_at = _deadline(_("Received at"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["regions"].queryset = (
            Region.objects.visible_to(user)
            .filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP])
            .order_by("path")
        )
        self.fields["units"].queryset = (
            Unit.objects.visible_to(user).filter(is_active=True).select_related("region")
        )

    def clean_reports(self) -> list[Report]:
        """The cases named by number, among those the issuer may see."""
        numbers = list(
            dict.fromkeys(n for n in re.split(r"[\s,，、;；]+", self.cleaned_data["reports"]) if n)
        )
        if len(numbers) > 20:
            raise forms.ValidationError(_("At most 20 reports."))
        found = list(Report.objects.visible_to(self.user).filter(case_number__in=numbers))
        unknown = set(numbers) - {r.case_number for r in found}
        if unknown:
            raise forms.ValidationError(
                _("No report you may see has the number %(numbers)s.")
                % {"numbers": "、".join(sorted(unknown))}
            )
        return found


class ForwardForm(forms.Form):
    """A node marks an authoritative push forwarded: where, and perhaps a screenshot."""

    platform = forms.ChoiceField(label=_("Forwarded on"), choices=ForwardPlatform.choices)
    place = forms.CharField(
        label=_("Group or account"),
        max_length=200,
        help_text=_("e.g. the name of the WeChat group"),
    )
    screenshot = forms.FileField(
        label=_("Screenshot (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ReportForm(forms.Form):
    """A node's completion report."""

    text = forms.CharField(
        label=_("What was done"), max_length=10000, widget=forms.Textarea({"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("Pictures or files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
