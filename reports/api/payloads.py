"""The OpenAPI description of each transition's payload, read off its one payload form.

The API validates a transition's JSON body with the same Django form the case page uses
(:mod:`reports.workflow`, inside :func:`reports.services.report_transition`); this module only
tells drf-spectacular what that form takes, so the schema cannot drift from it.
"""

from __future__ import annotations

from functools import cache

from django import forms
from rest_framework import serializers


def _field(form_field: forms.Field) -> serializers.Field:
    common = {
        "required": form_field.required,
        "help_text": str(form_field.help_text) if form_field.help_text else None,
    }
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(form_field, forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(form_field, forms.MultipleChoiceField):
        return serializers.MultipleChoiceField(choices=form_field.choices, **common)
    if isinstance(form_field, forms.ChoiceField):
        return serializers.ChoiceField(choices=form_field.choices, **common)
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(form_field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(**common)
    max_length = getattr(form_field, "max_length", None)
    return serializers.CharField(
        max_length=max_length, allow_blank=not form_field.required, **common
    )


@cache
def payload_serializer(form_class: type[forms.Form], name: str) -> type[serializers.Serializer]:
    """A serializer describing ``form_class``'s fields, for the schema only."""
    fields = {
        field_name: _field(form_field) for field_name, form_field in form_class.base_fields.items()
    }
    return type(
        f"{name.title().replace('_', '')}Payload",
        (serializers.Serializer,),
        {**fields, "__doc__": form_class.__doc__},
    )
