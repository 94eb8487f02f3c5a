"""The fast form renderer writes exactly the HTML Django's widget templates write."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.forms import FastFormRenderer
from reports.forms import QueueFilterForm, ReportIntakeForm

CHOICES = [("", "—"), ("a", "A & B"), (1, "one"), ('x"y', mark_safe("<b>bold</b>"))]
GROUPED = [("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("", "Other"), ("z", "Zed")]

CASES = [
    (forms.TextInput(), "name", None),
    (forms.TextInput(attrs={"placeholder": gettext_lazy("Search"), "required": True}), "q", "a<b"),
    (forms.TextInput(attrs={"type": "search", "disabled": False, "data-x": 'q"q'}), "q", ""),
    (forms.NumberInput(attrs={"min": 0}), "n", 5),
    (forms.EmailInput(), "e", "a@b.c"),
    (forms.URLInput(), "u", "https://x.test/?a=1&b=2"),
    (forms.PasswordInput(render_value=False), "p", "secret"),
    (forms.HiddenInput(), "h", "back=1&x=<>"),
    (forms.DateInput(attrs={"type": "date"}), "d", datetime.date(2026, 11, 22)),
    (
        forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        "t",
        datetime.datetime(2026, 11, 22, 9, 5, tzinfo=datetime.UTC),
    ),
    (forms.CheckboxInput(), "c", True),
    (forms.CheckboxInput(), "c", False),
    (forms.Textarea(attrs={"rows": 3}), "body", "line 1\n<script>x</script>"),
    (forms.Textarea(), "body", ""),
    (forms.Textarea(), "body", None),
    (forms.Select(choices=CHOICES), "s", "a"),
    (forms.Select(choices=CHOICES, attrs={"id": "id_s", "required": True}), "s", 1),
    (forms.Select(choices=CHOICES), "s", None),
    (forms.Select(choices=GROUPED), "g", "pear"),
    (forms.SelectMultiple(choices=CHOICES), "m", ["a", "1"]),
    (forms.NullBooleanSelect(), "nb", None),
]


@pytest.mark.parametrize(("widget", "name", "value"), CASES)
def test_each_widget_is_written_as_its_template_writes_it(widget, name, value):
    expected = widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=DjangoTemplates())
    actual = widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=FastFormRenderer())
    assert actual == expected


def test_unusual_widgets_take_the_template_path():
    widget = forms.RadioSelect(choices=CHOICES)
    expected = widget.render("r", "a", renderer=DjangoTemplates())
    assert widget.render("r", "a", renderer=FastFormRenderer()) == expected


@pytest.mark.django_db
def test_whole_forms_render_the_same(city):
    user = city.county_admin(0)
    for form in (
        QueueFilterForm({"q": "路", "status": "submitted", "overdue": "on"}, user=user),
        ReportIntakeForm({"title": "<i>", "region": "x"}, user=city.informant(0)),
    ):
        for field in form:
            fast = field.as_widget()
            form.renderer = DjangoTemplates()
            assert str(field.as_widget()) == str(fast), field.name
            form.renderer = FastFormRenderer()
