"""Template filters for the product's hand-written form controls."""

from django import template

register = template.Library()


@register.filter
def options(field) -> list:
    """The (value, label) pairs of a bound choice field, read once.

    Django's ``{% for %}`` takes the length of what it loops over first: a model choice
    field's iterator answers ``len()`` with a ``COUNT(*)`` of its queryset, one query more
    than reading the options themselves; so does ``list()`` of it (to size the list), not of
    the generator its ``iter()`` is.
    """
    return list(iter(field.field.widget.choices))
