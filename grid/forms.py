"""Forms of the grid pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data] or [clean_one(None, initial)]
        return [clean_one(data, initial)]


class GridImportForm(forms.Form):
    """Upload of grid spreadsheets; the checks of the files themselves are the service's."""

    files = MultipleFileField(
        label=_("Files"),
        help_text=_("One XLSX workbook, or one CSV file per sheet."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only, write nothing"),
        required=False,
    )


class CalendarImportForm(forms.Form):
    """Upload of one year's holiday schedule (CSV); the rows are checked by the service."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns date,kind,name; kind is holiday or makeup."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1949,
        max_value=2199,
        help_text=_("The year the file publishes. Empty: the year most of its days fall in."),
    )
