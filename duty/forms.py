"""Forms of the filing pages (phone-sized): they parse what the browser sends; the services in
:mod:`duty.services.filings` decide. Blank entry rows are ignored."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from duty.models import RiskLevel
from duty.services.filings import DailyItem, RiskItem
from reports.models import SourcePlatform

ENTRY_ROWS = 8  # rows sent with the page; the page shows the first ones, "add" reveals more
RISK_ROWS = 6


class ReportChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, report) -> str:
        return f"{report.case_number} {report.title}"


class DailyEntryForm(forms.Form):
    """A short entry: something seen that day, by title, platform and link."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("Choose…")), *SourcePlatform.choices],
        required=False,
    )
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("title") or data.get("platform") or data.get("url"))


class RiskEntryForm(forms.Form):
    description = forms.CharField(
        label=_("Description of the risk"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    area = forms.CharField(label=_("Area"), max_length=120, required=False)
    level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", _("Choose…")), *RiskLevel.choices], required=False
    )
    measures = forms.CharField(
        label=_("Measures"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible = forms.CharField(label=_("Person responsible"), max_length=60, required=False)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in self.fields)


DailyEntryFormSet = forms.formset_factory(DailyEntryForm, extra=ENTRY_ROWS, max_num=ENTRY_ROWS)
RiskEntryFormSet = forms.formset_factory(RiskEntryForm, extra=RISK_ROWS, max_num=RISK_ROWS)


class DailyReportForm(forms.Form):
    """The daily report: the day's reports to link, short entries, or nothing to report."""

    nothing_to_report = forms.BooleanField(
        label=_("Nothing to report today (零报告)"), required=False
    )
    reports = ReportChoiceField(
        label=_("Reports filed today"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, reports, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = reports
        self.entries = DailyEntryFormSet(*args, prefix="entry", **kwargs)

    def is_valid(self) -> bool:
        return super().is_valid() & self.entries.is_valid()

    def items(self) -> list[DailyItem]:
        linked = [DailyItem(report_id=r.pk) for r in self.cleaned_data["reports"]]
        typed = [
            DailyItem(
                title=entry.cleaned_data["title"],
                platform=entry.cleaned_data["platform"],
                url=entry.cleaned_data["url"],
            )
            for entry in self.entries
            if entry.cleaned_data and not entry.is_blank()
        ]
        return linked + typed


class RiskPointsForm(forms.Form):
    """The month's risk points, or none found."""

    nothing_found = forms.BooleanField(label=_("No risk points found this month"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries = RiskEntryFormSet(*args, prefix="risk", **kwargs)

    def is_valid(self) -> bool:
        return super().is_valid() & self.entries.is_valid()

    def items(self) -> list[RiskItem]:
        return [
            RiskItem(
                **{name: entry.cleaned_data.get(name, "") for name in RiskEntryForm.base_fields}
            )
            for entry in self.entries
            if entry.cleaned_data and not entry.is_blank()
        ]


class OverviewForm(forms.Form):
    """The overview's day, county (city users) and status filter."""

    date = forms.DateField(label=_("Day"), required=False)
    county = forms.IntegerField(label=_("County"), required=False, min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(
        label=_("Daily report today"),
        required=False,
        choices=[("", _("All"))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def __init__(self, *args, **kwargs) -> None:
        from duty.models import SubmissionStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *SubmissionStatus.choices]
