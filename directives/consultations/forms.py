"""What a consultation's three steps carry: one form each, for the case page and the API."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from directives.consultations import rules
from directives.forms import DATETIME_FORMATS
from grid.models import Unit, User
from reports.forms import DATETIME_LOCAL

MAX_TEXT = 4000
# A consultation gives its invitees at least this long (and asks within a month).
SHORTEST = timedelta(minutes=30)
LONGEST = timedelta(days=30)


class LeaderField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} · {obj.region.name}"


class UnitField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class OpenForm(forms.Form):
    """Open a consultation: the question, whom to ask (units, leaders) and by when."""

    question = forms.CharField(
        label=_("Question for the invitees"),
        max_length=MAX_TEXT,
        widget=forms.Textarea({"rows": 3}),
    )
    due_at = forms.DateTimeField(
        label=_("Views due by"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    units = UnitField(
        label=_("Units"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Their liaisons read the case while the consultation is open."),
    )
    leaders = LeaderField(
        label=_("Leaders"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, data=None, *, report, now, **kwargs):
        super().__init__(data, **kwargs)
        self.now = now
        self.fields["units"].queryset = rules.invitable_units(report)
        self.fields["leaders"].queryset = rules.invitable_leaders(report).select_related("region")

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due < self.now + SHORTEST:
            raise forms.ValidationError(_("Give the invitees at least 30 minutes."))
        if due > self.now + LONGEST:
            raise forms.ValidationError(_("Ask for views within 30 days."))
        return due

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("units") and not cleaned.get("leaders") and not self.has_error("units"):
            self.add_error("units", _("Invite at least one unit or leader."))
        return cleaned


class OpinionForm(forms.Form):
    """An invitee's view."""

    text = forms.CharField(
        label=_("Your view"), max_length=MAX_TEXT, widget=forms.Textarea({"rows": 3})
    )


class ConcludeForm(forms.Form):
    """The officer's conclusion, which the routing is then decided on."""

    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=MAX_TEXT, widget=forms.Textarea({"rows": 3})
    )
