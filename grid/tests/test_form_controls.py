"""The hand-written select (templates/reports/_select.html) reads a model field's options in
one query and marks the chosen one."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string

from grid.models import Unit
from grid.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.order_by("code"))


def test_a_model_select_reads_its_options_in_one_query(django_assert_num_queries):
    first, second = UnitFactory(code="u1", name="住建局"), UnitFactory(code="u2", name="公安局")
    form = UnitForm(initial={"unit": second.pk})
    with django_assert_num_queries(1):  # the options only: no COUNT(*) before them
        html = render_to_string("reports/_select.html", {"field": form["unit"]})
    assert html.index(first.name) < html.index(second.name)
    assert f'<option value="{second.pk}" selected>' in html
    assert f'<option value="{first.pk}">' in html
    assert '<option value="">' in html  # the empty choice
