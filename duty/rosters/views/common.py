"""What duty's page views share: running a service and answering its refusal as the pages do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from grid.errors import field_errors
from grid.views.errors import page_refusal


def run(request: HttpRequest, service: Callable, **kwargs: Any) -> tuple[Any, dict | None]:
    """Call ``service(by=request.user, now=…, **kwargs)``: its result, or (None, errors) for a
    400 or 409 (the page shows them beside what was typed). 404 and 403 raise, as pages do."""
    try:
        return service(by=request.user, now=timezone.now(), **kwargs), None
    except ValidationError as exc:
        return None, field_errors(exc)
    except Exception as exc:
        refusal = page_refusal(exc)
        return None, {"non_field_errors": [refusal.message], "_status": refusal.status}


def status_of(errors: dict | None) -> int:
    if not errors:
        return 200
    return errors.get("_status", 400)


def flash_errors(request: HttpRequest, errors: dict) -> None:
    for key, values in errors.items():
        if key.startswith("_"):
            continue
        for value in values:
            messages.error(request, value)
