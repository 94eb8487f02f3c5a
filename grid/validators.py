"""Checks every text input shares: no NUL character, in words that say what is wrong.

PostgreSQL stores no NUL (``\\x00``) in text, so a NUL reaching a query answers 500. Django's
form fields, DRF's serializer fields and django-filter's filters each run Django's
``ProhibitNullCharactersValidator`` on every text field already, but it says "Null characters
are not allowed." (and DRF's blank check can speak first). :data:`no_nul` is that validator with
our words; :func:`install` (``GridConfig.ready()``) gives Django's validator the same words, so
every form, serializer and filter of every app says it alike. Inputs that are no field (a
path, a header, a search box read by hand) call :func:`refuse_nul`.
"""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

NUL_MESSAGE = _("This text contains a NUL character (\\0), which text may not contain.")
NUL_CODE = ProhibitNullCharactersValidator.code  # "null_characters_not_allowed"


class NoNulCharacters(ProhibitNullCharactersValidator):
    """Refuse a text holding a NUL character, saying so."""

    message = NUL_MESSAGE


no_nul = NoNulCharacters()


def has_nul(value: object) -> bool:
    """True if ``value`` (a text, or anything written as one) holds a NUL character."""
    return value is not None and "\x00" in str(value)


def refuse_nul(value: object) -> None:
    """Raise a ValidationError (400) if ``value`` holds a NUL character."""
    no_nul(value)


def install() -> None:
    """Give Django's own NUL validator our words: every text field of every form, serializer
    and filter runs it (Django, DRF and django-filter add it to each), so they all say it."""
    ProhibitNullCharactersValidator.message = NUL_MESSAGE
