"""What a scorecard list is asked for (month and level): one form for the pages and the API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scorecards.figures import AssessLevel
from scorecards.months import Month


class ScorecardQueryForm(forms.Form):
    """``month`` (``YYYY-MM``; empty: the latest closed month) and ``level`` (county by default)."""

    month = forms.CharField(label=_("Month"), required=False, max_length=7)
    level = forms.ChoiceField(
        label=_("Level"),
        choices=AssessLevel.choices,
        required=False,
        error_messages={"invalid_choice": _("Use one of: county, township, grid_point, unit.")},
    )

    def clean_month(self) -> Month | None:
        text = self.cleaned_data.get("month") or ""
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError:
            raise ValidationError(
                _("Give the month as YYYY-MM, e.g. 2026-11."), code="invalid"
            ) from None

    def clean_level(self) -> str:
        return self.cleaned_data.get("level") or AssessLevel.COUNTY
