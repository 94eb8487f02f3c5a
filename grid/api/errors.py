"""One JSON error shape for the whole API: ``{"detail": ..., "code": ..., "errors": {...}}``.

``errors`` appears for validation failures and maps each field to its messages. What a domain
exception means (404, 403, 409, 400) is declared once in :mod:`grid.errors`, which the pages
use too; DRF's own exceptions (authentication, parsing, throttling) keep DRF's statuses.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from grid.errors import refusal_for


def exception_handler(exc: Exception, context: dict) -> Response | None:
    refusal = refusal_for(exc)
    if refusal is not None:
        data = {"detail": refusal.message, "code": refusal.code}
        if refusal.errors is not None:
            data["errors"] = refusal.errors
        return Response(data, status=refusal.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        first = _first_message(errors)
        response.data = {
            "detail": first or _("Invalid input."),
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(data, dict) and "detail" in data:
        code = getattr(data["detail"], "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(data["detail"]), "code": code}
    return response


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field == "non_field_errors" else f"{field}: {message}"
    elif isinstance(errors, list | tuple):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
    elif errors:
        return str(errors)
    return ""


def json_error_view(http_status: int, code: str, message: Callable[[], str]):
    """A Django error handler that answers API paths with JSON instead of an HTML page."""

    def view(request, exception=None):
        return JsonResponse({"detail": message(), "code": code}, status=http_status)

    return view


not_found = json_error_view(status.HTTP_404_NOT_FOUND, "not_found", lambda: _("Not found."))
server_error = json_error_view(
    status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error", lambda: _("Server error.")
)
