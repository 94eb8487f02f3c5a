"""The filters of case lists, declared once (django-filter).

:class:`ReportFilter` gives the queue page its form, the API its validation (a bad value
answers 400 naming the parameter) and the OpenAPI schema its parameters (drf-spectacular reads
the FilterSet of any view that uses ``DjangoFilterBackend``). The selectors apply it to a list
the caller may see (:func:`reports.selectors.report_list_for`); it never widens one.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from grid.models import Level, Region
from reports.models import Category, Grade, Report, Status

# How each sort orders a list (the id breaks ties, so pages never overlap).
SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "discovered": ("-discovered_at", "-id"),
    "due": ("disposal_due_at", "id"),
}
DEFAULT_SORT = "newest"
SORT_LABELS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "discovered": _("Recently discovered"),
    "due": _("Due soonest"),
}
MAX_SEARCH = 100
# The days a date filter takes: any day a case can have been filed on, with room; a day
# beyond (0001-01-01, 9999-12-31) cannot be turned into a time in the database's range.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _sort_message() -> str:
    return gettext("Sort by one of: %(v)s") % {"v": ", ".join(SORTS)}


def _local_midnight(d: date) -> datetime:
    """The start of day ``d`` in the city's time zone."""
    return timezone.make_aware(datetime.combine(d, time.min))


class DayField(forms.DateField):
    """A day between ``FIRST_DAY`` and ``LAST_DAY``."""

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            raise ValidationError(
                gettext("Use a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
                code="out_of_range",
            )


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class ReportFilterForm(forms.Form):
    """The filters' form; it knows its FilterSet, which knows whose list it filters."""

    filterset: ReportFilter

    def clean_township(self) -> str:
        """The path of the region the code names, if the caller may see it (else a 400)."""
        code = self.cleaned_data.get("township")
        if not code:
            return ""
        path = self.filterset.township_path(code)
        if path is None:
            raise ValidationError(
                gettext("No such place in your jurisdiction: choose one from the list."),
                code="invalid_choice",
            )
        return path


class CheckboxFilter(django_filters.BooleanFilter):
    """A yes-only filter: a checkbox sends "on"; the API's true/1 and false/0 work too."""

    field_class = forms.BooleanField


class _LazyChoices(BaseChoiceIterator):
    """Choices computed on first use, once (a select reads its choices more than once)."""

    def __init__(self, compute) -> None:
        self.compute = compute
        self.computed = None

    def __iter__(self):
        if self.computed is None:
            self.computed = list(self.compute())
        return iter(self.computed)


class _Filters(dict):
    """A FilterSet's declared filters, copied for each FilterSet cheaply.

    django-filter deep-copies every filter for each FilterSet (each request), widgets and
    choices and all. A filter's own attributes are only read once declared; what a request
    changes lives in its form field, which each copy builds afresh (``Filter.field``, from
    the filter's arguments). So each filter is copied shallowly, without a form field built
    before (the schema generator builds them on the declared filters), and with its filter
    method bound to the copy.
    """

    def __deepcopy__(self, memo) -> dict:
        copies = {}
        for name, filter_ in self.items():
            clone = copy.copy(filter_)
            clone.__dict__.pop("_field", None)
            if clone.method is not None:  # a filter method is bound to its filter: rebind
                clone.method = clone.method
            copies[name] = clone
        return copies


class ReportFilter(django_filters.FilterSet):
    """Status, category, grade, place, dates, overdue, words and sort of a case list.

    Built from the query string with the request (``ReportFilter(request.GET,
    request=request)``): the township lookup and the page's township choices are the caller's.
    """

    q = extend_schema_field(
        {"type": "string", "description": "Words in title or body, or a case number."}
    )(
        django_filters.CharFilter(
            label=_("Search"),
            method="filter_q",
            max_length=MAX_SEARCH,
            widget=forms.TextInput(
                attrs={"type": "search", "placeholder": _("Title, text or case number")}
            ),
        )
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown status: %(value)s")},
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=Category.choices,
        empty_label=_("All categories"),
        error_messages={"invalid_choice": _("Unknown category.")},
    )
    grade = django_filters.ChoiceFilter(
        label=_("Grade"),
        choices=Grade.choices,
        method="filter_grade",
        empty_label=_("All grades"),
        error_messages={"invalid_choice": _("Unknown grade.")},
    )
    township = extend_schema_field(
        {
            "type": "string",
            "description": "Code of a region in your jurisdiction (a township, or any node) "
            "whose subtree to show; any other code answers 400.",
        }
    )(django_filters.CharFilter(label=_("Township"), method="filter_township", widget=forms.Select))
    date_from = DayFilter(
        label=_("Filed from"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Use a date like 2026-11-22.")},
    )
    date_to = DayFilter(
        label=_("Filed until"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Use a date like 2026-11-22.")},
    )
    overdue = CheckboxFilter(label=_("Overdue only"), method="filter_overdue")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=list(SORT_LABELS.items()),
        method="sort_by",
        empty_label=None,
        error_messages={"invalid_choice": lazy(_sort_message, str)()},
    )

    class Meta:
        model = Report
        fields: list[str] = []  # the filters above, no others
        form = ReportFilterForm

    @classmethod
    def get_filters(cls) -> dict:
        return _Filters(super().get_filters())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The page's township select lists the caller's townships, read when it is drawn
        # (never for the API, which only validates).
        self.filters["township"].field.widget.choices = _LazyChoices(self._township_choices)

    @property
    def form(self) -> ReportFilterForm:
        form = super().form
        form.filterset = self
        return form

    @property
    def user(self):
        """Whose list this filters (the request's person)."""
        return self.request.user if self.request is not None else None

    def _township_choices(self) -> list[tuple[str, str]]:
        townships = (
            Region.objects.visible_to(self.user)
            .filter(level=Level.TOWNSHIP)
            .order_by("path")
            .values_list("code", "name")
        )
        return [("", _("All townships")), *townships]

    # --- how each filter narrows a list the caller may see -------------------------------

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(title__icontains=value) | Q(body__icontains=value) | Q(case_number=value)
        )

    def filter_status(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(status__in=value)

    def filter_grade(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """The grade, or the suggested grade of a case not graded yet."""
        return queryset.filter(Q(grade=value) | Q(grade="", suggested_grade=value))

    def township_path(self, code: str) -> str | None:
        """The path of the region ``code`` names if the caller may see it, else None."""
        return (
            Region.objects.visible_to(self.user)
            .filter(code=code)
            .values_list("path", flat=True)
            .first()
        )

    def filter_township(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The subtree of a region the caller may see (``value``: its path, from the form)."""
        return queryset.filter(region_path__startswith=value)

    def filter_date_from(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Filed on or after that day (local time)."""
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Filed on or before that day (local time)."""
        return queryset.filter(created_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_overdue(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Past the disposal deadline without a reported disposal, now."""
        if not value:
            return queryset
        return queryset.filter(
            disposal_reported_at__isnull=True, disposal_due_at__lt=timezone.now()
        )

    def sort_by(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.order_by(*SORTS[value])

    @property
    def statuses(self) -> list[str]:
        """The statuses asked for (none: the list's default set). Call after ``is_valid()``."""
        return list(self.form.cleaned_data.get("status") or [])
