"""The forms of deductions: recording one by hand, appealing, deciding an appeal.

Each is declared once: the pages render them, the API validates its bodies with them (and the
services check again what only they can: the rule, the state, the permission).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duty.deductions.services import DECISIONS, MAX_NOTE, MAX_REASON
from duty.models import DeductionKind, DeductionRule, Responsibility, TargetType
from grid.labels import choice_label
from grid.models import GridPoint, Level, Region, Unit
from reports.models import Grade, Report

TARGET_MODELS = {
    TargetType.GRID_POINT: GridPoint,
    TargetType.REGION: Region,
    TargetType.UNIT: Unit,
}


def manual_kinds() -> list[tuple[str, str]]:
    """The kinds an active rule lets a person record, deductions first, then bonuses."""
    rules = DeductionRule.objects.filter(active=True, manual=True).values_list("kind", "points")
    bonus = {kind for kind, points in rules if points > 0}
    kinds = dict.fromkeys(kind for kind, _points in rules)
    ordered = [k for k in DeductionKind.values if k in kinds and k not in bonus]
    ordered += [k for k in DeductionKind.values if k in kinds and k in bonus]
    return [
        (k, gettext("Bonus: %(kind)s") % {"kind": choice_label(DeductionKind, k)})
        if k in bonus
        else (k, choice_label(DeductionKind, k))
        for k in ordered
    ]


class DeductionRecordForm(forms.Form):
    """A duty officer's deduction or bonus by hand; the target and the case are looked up in
    the officer's jurisdiction."""

    # Narrowed to the kinds an active rule lets a person record (``__init__``).
    kind = forms.ChoiceField(label=_("What happened"), choices=DeductionKind.choices)
    grade = forms.ChoiceField(
        label=_("Grade of the matter"),
        required=False,
        choices=[("", _("Not graded")), *Grade.choices],
        help_text=_("Late, missed and mishandled reports count more for major and important ones."),
    )
    responsibility = forms.ChoiceField(
        label=_("Responsibility"), choices=Responsibility.choices, initial=Responsibility.PRIMARY
    )
    target_type = forms.ChoiceField(
        label=_("Against"), choices=TargetType.choices, widget=forms.RadioSelect
    )
    target = forms.CharField(
        label=_("Grid point, township, county or unit"),
        max_length=120,
        help_text=_("Its code or its exact name (its id in the API)."),
    )
    case = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=40,
        help_text=_("The case it concerns, if any (e.g. YZ-20261122-0042)."),
    )
    at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A screenshot (JPEG, PNG, WebP) or a PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = manual_kinds()

    def clean_at(self):
        value = self.cleaned_data.get("at")
        if value is not None and value > timezone.now():
            raise ValidationError(gettext("It cannot have happened in the future."))
        return value

    def clean_case(self):
        number = (self.cleaned_data.get("case") or "").strip()
        if not number:
            return None
        report = Report.objects.visible_to(self.user).filter(case_number=number).first()
        if report is None:
            raise ValidationError(gettext("No such case in your jurisdiction."))
        return report

    def clean(self):
        cleaned = super().clean()
        kind, text = cleaned.get("target_type"), (cleaned.get("target") or "").strip()
        if not kind or not text:
            return cleaned
        model = TARGET_MODELS[kind]
        visible = model.objects.visible_to(self.user)
        if kind == TargetType.REGION:
            visible = visible.filter(level__in=(Level.TOWNSHIP, Level.COUNTY))
        found = visible.filter(code=text).first()
        if found is None and text.isdigit() and len(text) <= 18:
            found = visible.filter(pk=int(text)).first()
        if found is None:
            named = list(visible.filter(name=text)[:2])
            if len(named) > 1:
                self.add_error("target", gettext("Several have this name: give the code instead."))
                return cleaned
            found = named[0] if named else None
        if found is None:
            self.add_error(
                "target",
                gettext("No such %(what)s in your jurisdiction.")
                % {"what": choice_label(TargetType, kind)},
            )
        cleaned["target_object"] = found
        return cleaned


class AppealForm(forms.Form):
    """The penalised party's appeal: why it should not count."""

    reason = forms.CharField(
        label=_("Why it should not count"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideForm(forms.Form):
    """A city admin's decision on an appeal."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DECISIONS[0], _("Uphold: it counts")),
            (DECISIONS[1], _("Cancel: it stops counting")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
