"""Each ReportFilter has filters and form fields of its own (reports.filters._Filters)."""

from __future__ import annotations

from django.http import QueryDict

from reports.filters import ReportFilter


def test_each_filterset_copies_the_declared_filters():
    # Build a form field on a declared filter, as the schema generator does.
    declared = ReportFilter.base_filters["township"].field
    first, second = ReportFilter(QueryDict("")), ReportFilter(QueryDict(""))
    for name in ReportFilter.base_filters:
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first
        assert first.filters[name].field is not second.filters[name].field
    # The township choices a FilterSet sets are its own, not the declared filter's.
    assert first.filters["township"].field is not declared
    assert first.filters["township"].field.widget is not second.filters["township"].field.widget


def test_filters_still_validate_each_query():
    good = ReportFilter(QueryDict("status=submitted&sort=oldest"))
    bad = ReportFilter(QueryDict("status=nonsense&sort=sideways"))
    assert good.is_valid()
    assert good.form.cleaned_data["sort"] == "oldest"
    assert not bad.is_valid()
    assert set(bad.errors) == {"status", "sort"}


def test_filter_methods_are_bound_to_the_copy():
    first = ReportFilter(QueryDict(""))
    assert first.filters["q"].filter.f is first.filters["q"]
    assert first.filters["q"].filter.f.parent is first
