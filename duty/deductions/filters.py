"""The filters of deduction lists, declared once (django-filter): the page's form, the API's
validation (a bad value answers 400 naming the parameter) and the OpenAPI parameters.

Applied by :func:`duty.deductions.selectors.deduction_list_for` to a list the caller may see;
a filter never widens it (a target outside the jurisdiction is a 400, as an unknown one).
"""

from __future__ import annotations

import re
from datetime import date

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from duty.models import Deduction, DeductionKind, DeductionStatus
from grid.models import GridPoint, Level, Region, Unit

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TARGET = re.compile(r"^(grid_point|region|unit):(\d{1,18})$")


class MonthField(forms.CharField):
    """A month written ``2026-11``; cleaned to its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.match(value)
        if match is None or not (1 <= int(match[2]) <= 12 and 1900 <= int(match[1]) <= 2999):
            raise ValidationError(gettext("Use a month like 2026-11."), code="invalid")
        return date(int(match[1]), int(match[2]), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class DeductionFilterForm(forms.Form):
    """The filters' form; it knows its FilterSet, which knows whose list it filters."""

    filterset: DeductionFilter

    def clean_target(self):
        value = self.cleaned_data.get("target")
        if not value:
            return None
        match = TARGET.match(value)
        if match is None:
            raise ValidationError(
                gettext("Name a target as grid_point:<id>, region:<id> or unit:<id>."),
                code="invalid",
            )
        found = self.filterset.target_of(match[1], int(match[2]))
        if found is None:
            raise ValidationError(
                gettext("No such target in your jurisdiction."), code="invalid_choice"
            )
        return found


class DeductionFilter(django_filters.FilterSet):
    """Month, kind, target and status of a deduction list (``DeductionFilter(request.GET,
    request=request)``: the target is looked up in the caller's jurisdiction)."""

    month = extend_schema_field(
        {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "A month, e.g. 2026-11."}
    )(
        MonthFilter(
            label=_("Month"),
            method="filter_month",
            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        )
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=DeductionKind.choices,
        empty_label=_("All kinds"),
        error_messages={"invalid_choice": _("Unknown kind.")},
    )
    target = extend_schema_field(
        {
            "type": "string",
            "pattern": r"^(grid_point|region|unit):\d+$",
            "description": "`grid_point:<id>`, `unit:<id>` (its deductions) or `region:<id>` "
            "(a township or county: the deductions of everything in its subtree), in your "
            "jurisdiction; any other answers 400.",
        }
    )(django_filters.CharFilter(label=_("Against"), method="filter_target", widget=forms.Select))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=DeductionStatus.choices,
        empty_label=_("Any status"),
        error_messages={"invalid_choice": _("Unknown status.")},
    )

    class Meta:
        model = Deduction
        fields: list[str] = []
        form = DeductionFilterForm

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["target"].field.widget.choices = _LazyChoices(self._target_choices)

    @property
    def form(self) -> DeductionFilterForm:
        form = super().form
        form.filterset = self
        return form

    @property
    def user(self):
        return self.request.user if self.request is not None else None

    def _target_choices(self) -> list[tuple[str, str]]:
        """The counties and townships of the caller's jurisdiction (and the target asked for)."""
        regions = (
            Region.objects.visible_to(self.user)
            .filter(level__in=(Level.COUNTY, Level.TOWNSHIP))
            .order_by("path")
            .values_list("pk", "name", "level")
        )
        choices = [("", gettext("Everywhere"))]
        choices += [
            (f"region:{pk}", name if level == Level.COUNTY else f"· {name}")
            for pk, name, level in regions
        ]
        asked = self.form.cleaned_data.get("target") if hasattr(self.form, "cleaned_data") else None
        if asked is not None and not any(value == asked.value for value, _l in choices):
            choices.append((asked.value, asked.label))
        return choices

    def target_of(self, kind: str, pk: int):
        """The target ``kind:pk`` names if the caller may see it, else None."""
        model = {"grid_point": GridPoint, "region": Region, "unit": Unit}[kind]
        found = model.objects.visible_to(self.user).filter(pk=pk).first()
        if found is None:
            return None
        path = found.path if isinstance(found, Region) else None
        return Target(kind, found.pk, f"{kind}:{found.pk}", str(found), path)

    def filter_month(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(month=value)

    def filter_target(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        if value.kind == "region":
            return queryset.filter(target_path__startswith=value.path)
        return queryset.filter(**{f"{value.kind}_id": value.pk})


class Target:
    """A target the caller may see, as a filter names it."""

    def __init__(self, kind: str, pk: int, value: str, label: str, path: str | None) -> None:
        self.kind, self.pk, self.value, self.label, self.path = kind, pk, value, label, path

    def __str__(self) -> str:
        return self.value


class _LazyChoices(BaseChoiceIterator):
    """Choices computed on first use, once (a select reads its choices more than once; a
    ``BaseChoiceIterator``, so Django does not read them when they are set)."""

    def __init__(self, compute) -> None:
        self.compute = compute
        self.computed = None

    def __iter__(self):
        if self.computed is None:
            self.computed = list(self.compute())
        return iter(self.computed)
