"""Refusals: what each exception a service raises means to the person asking, declared once.

Services and selectors raise the domain's exceptions (not in your jurisdiction, may not, wrong
state, changed meanwhile, bad payload); :func:`refusal_for` says which HTTP answer each means,
with its code and message. The API's exception handler (``grid.api.errors``) and the pages
(``grid.views.errors.page_refusal`` and the views that re-render a form) both ask here, so a
refusal reads the same wherever it happens. Apps register their own exceptions in
``AppConfig.ready()`` (reports: a transition the case's state does not allow → 409).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class BadInput(BadRequest):
    """A request the person can put right (a NUL in an address, …): 400, saying what is wrong.

    Raised where there is no form to show the error beside; its message is for people.
    """


@dataclass(frozen=True)
class Refusal:
    """An answer that refuses: HTTP status, a stable code, a message, and field errors (400)."""

    status: int
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


# exception class -> (HTTP status, code, message, whether the exception's own message wins)
_REGISTERED: dict[type[BaseException], tuple[int, str, object, bool]] = {}


def register(
    exc_class: type[BaseException], status: int, code: str, message=None, *, own_message=True
) -> None:
    """Answer ``status`` with ``code`` whenever ``exc_class`` (or a subclass) is raised.

    ``message`` is said when the exception carries none, or always if not ``own_message``
    (for exceptions a library raises with words meant for developers).
    """
    _REGISTERED[exc_class] = (status, code, message, own_message)


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A ValidationError's messages by field; errors of no one field under ``non_field_errors``."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def refusal_for(exc: BaseException) -> Refusal | None:
    """The refusal ``exc`` means (the most specific registered class wins), or None."""
    for cls in type(exc).__mro__:
        if cls in _REGISTERED:
            status, code, default, own_message = _REGISTERED[cls]
            break
    else:
        return None
    if isinstance(exc, ValidationError):
        errors = field_errors(exc)
        first = next((m for messages in errors.values() for m in messages), "")
        return Refusal(status, code, str(first or default or ""), errors)
    text = str(exc.args[0]) if own_message and exc.args and exc.args[0] else ""
    return Refusal(status, code, text or str(default or code))


# A queryset's .get() says "… matching query does not exist": words for developers.
register(ObjectDoesNotExist, 404, "not_found", _("Not found."), own_message=False)
register(Http404, 404, "not_found", _("Not found."))
register(PermissionDenied, 403, "permission_denied", _("You may not do this."))
register(ValidationError, 400, "invalid", _("Invalid input."))
register(BadInput, 400, "invalid", _("Invalid input."))


def _too_large() -> str:
    megabytes = max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))
    return gettext("The request is too large: its text may hold at most %(n)d MB.") % {
        "n": megabytes
    }


def _too_many_fields() -> str:
    return gettext("The request has too many fields (at most %(n)d).") % {
        "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    }


def _too_many_files() -> str:
    return gettext("The request has too many files (at most %(n)d).") % {
        "n": settings.DATA_UPLOAD_MAX_NUMBER_FILES
    }


# What Django refuses while reading a request (Django's words are for developers). The API's
# exception handler and handler400 (config.urls) answer each the same way.
register(RequestDataTooBig, 400, "too_large", lazy(_too_large, str)(), own_message=False)
register(
    TooManyFieldsSent, 400, "too_many_fields", lazy(_too_many_fields, str)(), own_message=False
)
register(TooManyFilesSent, 400, "too_many_files", lazy(_too_many_files, str)(), own_message=False)
register(SuspiciousOperation, 400, "bad_request", _("Bad request."), own_message=False)
register(BadRequest, 400, "bad_request", _("Bad request."), own_message=False)
