"""The form renderer: Django's, with the common widgets written out in Python.

Django renders every widget, and every ``<option>`` of a select, through a template of its
own. On a page with a filter form that is a fifth of the page's time. For the plain widgets
(inputs, selects, text areas) this renderer produces the same HTML as Django's templates
directly; anything else goes through the templates as usual. ``tests/test_form_renderer.py``
holds both outputs equal.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

W = "django/forms/widgets/"
INPUT_TEMPLATES = {
    f"{W}{name}.html"
    for name in (
        "input",
        "text",
        "search",
        "number",
        "email",
        "url",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "color",
        "checkbox",
    )
}


def _attrs(attrs: dict) -> str:
    """``attrs.html``: ``name="value"``; True → the bare name; False → left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


WRITERS = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    f"{W}select.html": _select,
    f"{W}textarea.html": _textarea,
}


class FastFormRenderer(DjangoTemplates):
    """Django's default renderer; plain widgets without their per-option templates."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if widget is None or not _plain(widget, writer):
            return super().render(template_name, context, request=request)
        return mark_safe(writer(widget))  # noqa: S308 - every value is escaped above


def _plain(widget: dict, writer) -> bool:
    """A widget whose options (if any) use Django's own option template."""
    if writer is not _select:
        return True
    return all(
        option.get("template_name") == f"{W}select_option.html"
        for _group, options, _index in widget["optgroups"]
        for option in options
    )
