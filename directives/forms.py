"""The forms of the notice pages; the services validate the substance (jurisdiction,
deadlines), the forms only the shapes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directives.models import NoticeKind
from grid.models import Level, Region, Unit
from reports.forms import ATTACHMENT_ACCEPT, DATETIME_LOCAL, MultipleFileField, MultipleFileInput

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

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = (
            Region.objects.visible_to(user)
            .filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP])
            .order_by("path")
        )
        self.fields["units"].queryset = (
            Unit.objects.visible_to(user).filter(is_active=True).select_related("region")
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
