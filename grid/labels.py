"""Labels of choice values, in the active language, looked up once per value and language."""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils.translation import get_language


def choice_label(choices: type[models.Choices], value: str) -> str:
    """The label of ``value`` in ``choices`` (the value itself if unknown; blank stays blank).

    Lists call this per row and field; ``Model.get_FOO_display`` rebuilds a dict of lazy
    labels on every call, which showed up in the benchmarks.
    """
    return label_in(choices, value, get_language())


@lru_cache(maxsize=2048)
def label_in(choices: type[models.Choices], value: str, language: str | None) -> str:
    """:func:`choice_label` in ``language``, which must be the active language."""
    if not value:
        return ""
    return str(dict(choices.choices).get(value, value))
