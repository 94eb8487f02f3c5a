"""Middleware of the project as a whole."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_resolver, get_urlconf


class ProductNotFoundMiddleware:
    """A 404 raised by one of our views answers with the product's own page, DEBUG or not.

    With ``DEBUG`` on, Django answers a view's ``Http404`` with its technical page, which lists
    the URL patterns: ``make run`` showed it for a case outside one's jurisdiction, where the
    product says "not found, or outside your area" (templates/404.html; JSON under /api/).
    This renders the same ``handler404`` production uses. A URL that matches no pattern
    never reaches a view, so developers still get the technical page for a mistyped address.
    (A 403 already shows ``handler403`` whatever ``DEBUG`` says.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Http404):
            return None
        handler = get_resolver(get_urlconf()).resolve_error_handler(404)
        return handler(request, exception)
