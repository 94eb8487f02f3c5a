"""Form parsers of the API that refuse text which is not UTF-8 instead of mending it.

Django decodes form fields with ``errors="replace"``: invalid UTF-8 in a multipart or
URL-encoded field becomes "�" and is stored so, the person's words lost without a word. These
parsers have Django decode with :data:`MARKED_UTF8`, UTF-8 that keeps each invalid byte as a
lone surrogate (``surrogateescape``, whatever error handling Django asks for), which valid
UTF-8 never decodes to: a field holding one answers 400 naming the field. A file's name that
is not UTF-8 loses those bytes, as Django drops every character it cannot print.
"""

from __future__ import annotations

import codecs

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MARKED_UTF8 = "grid_utf8_marked"


def _decode(data, errors="strict"):
    return codecs.utf_8_decode(data, "surrogateescape", True)


def _encode(text, errors="strict"):
    return codecs.utf_8_encode(text, "surrogateescape")


class _Reader(codecs.StreamReader):
    decode = staticmethod(_decode)


class _Writer(codecs.StreamWriter):
    encode = staticmethod(_encode)


_CODEC = codecs.CodecInfo(_encode, _decode, _Reader, _Writer, name=MARKED_UTF8)
codecs.register(lambda name: _CODEC if name == MARKED_UTF8 else None)


def is_utf8(text: str) -> bool:
    """False if ``text`` holds a byte that was not UTF-8 (decoded with MARKED_UTF8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _not_utf8(name: str) -> ParseError:
    return ParseError(
        _("The field %(name)s is not valid UTF-8 text: send text as UTF-8.")
        % {"name": _shown(name)}
    )


def strict_fields(data: QueryDict) -> QueryDict:
    """``data`` as it is, or ParseError (400) naming a field that is not UTF-8."""
    for name, values in data.lists():
        if not (is_utf8(name) and all(is_utf8(value) for value in values)):
            raise _not_utf8(name)
    return data


def strict_files(files: MultiValueDict) -> MultiValueDict:
    """``files`` as they are, or ParseError (400) naming a field that is not UTF-8."""
    for name in files:
        if not is_utf8(name):
            raise _not_utf8(name)
    return files


class FormParser(parsers.FormParser):
    """URL-encoded fields, refused if not UTF-8."""

    def parse(self, stream, media_type=None, parser_context=None):
        return strict_fields(QueryDict(stream.read(), encoding=MARKED_UTF8))


class MultiPartParser(parsers.MultiPartParser):
    """Multipart fields, refused if not UTF-8."""

    def parse(self, stream, media_type=None, parser_context=None):
        context = {**(parser_context or {}), "encoding": MARKED_UTF8}
        parsed = super().parse(stream, media_type, context)
        return parsers.DataAndFiles(strict_fields(parsed.data), strict_files(parsed.files))
