"""Content-Security-Policy on every response: the site runs only its own files.

htmx, ECharts and our scripts and styles are served from our own static files, so ``'self'``
is the whole policy (``settings.CONTENT_SECURITY_POLICY``): no inline script, no inline style,
no plugin, no framing, forms post only to us. A view that needs another policy sets the header
itself (attachment downloads: nothing at all, sandboxed) or is wrapped in
:func:`content_security_policy` (Swagger UI); the middleware never overwrites one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def policy_text(directives: Mapping[str, list[str] | tuple[str, ...]]) -> str:
    """``{"default-src": ["'self'"], "sandbox": []}`` -> ``"default-src 'self'; sandbox"``."""
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def _header_name() -> str:
    return REPORT_ONLY_HEADER if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY else HEADER


class ContentSecurityPolicyMiddleware:
    """Add the site's policy to each response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = _header_name()
        self.policy = policy_text(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response and REPORT_ONLY_HEADER not in response:
            response[self.header] = self.policy
        return response


def content_security_policy(**changes: list[str]):
    """A view decorator: the site's policy with some directives replaced (``style_src=[...]``
    for ``style-src``), for a page that cannot live with the site's own."""
    directives = {**settings.CONTENT_SECURITY_POLICY}
    directives.update({name.replace("_", "-"): values for name, values in changes.items()})
    policy = policy_text(directives)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response[_header_name()] = policy
            return response

        return wrapped

    return decorator
