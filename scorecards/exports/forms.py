"""What an export is asked for: a quarter, a month or a range of days (page and API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecards.exports.models import PeriodKind
from scorecards.exports.periods import Period, period_of


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, initial="quarter")
    quarter = forms.CharField(
        label=_("Quarter"), required=False, max_length=7, help_text=_("YYYY-Qn, e.g. 2026-Q3")
    )
    month = forms.CharField(label=_("Month"), required=False, max_length=7)
    first = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        # period_of's ValidationError names the field that is wrong.
        data["period"] = period_of(
            kind=data["kind"],
            quarter=data.get("quarter") or "",
            month=data.get("month") or "",
            first=data.get("first"),
            last=data.get("last"),
        )
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]
