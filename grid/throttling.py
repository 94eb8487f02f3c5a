"""The sign-in throttle: attempts per client address, for the API token and the log-in page.

Every sign-in attempt costs a worker a password hash (about 0.65 s with production settings);
a few anonymous clients trying passwords would take every worker from the people using the
site. So attempts from one address (:func:`grid.client_address.client_address`) are counted
in the shared cache and refused above ``GRID_SIGNIN_RATE`` (``"10/min"``; empty: no limit)
before any password is checked. The API token endpoint and the log-in page count against the
same budget. django-axes still locks a username after repeated failures from one address; the
throttle limits how fast anyone can try at all.

The count lives in the default cache: with Redis, shared by every process; without Redis each
process counts for itself (see docs/deployment.md). When the cache cannot be reached the
throttle lets the attempt through (and logs it): signing in keeps working while Redis is
down, and lock-outs, kept in the database, still hold.
"""

from __future__ import annotations

import logging
import math

from django.conf import settings
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from grid.client_address import client_address

log = logging.getLogger(__name__)


class SignInThrottle(SimpleRateThrottle):
    """Sign-in attempts per client address, at ``GRID_SIGNIN_RATE``."""

    scope = "signin"

    def get_rate(self) -> str | None:
        return getattr(settings, "GRID_SIGNIN_RATE", "") or None

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is down or slow: fail open, say so
            log.warning("sign-in throttle: cache unavailable, attempt not counted", exc_info=True)
            return True

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def wait_seconds(self) -> int:
        """Whole seconds until the next attempt is allowed (at least one)."""
        return max(1, math.ceil(self.wait() or 1))


def sign_in_throttled_message(seconds: int) -> str:
    return ngettext(
        "Too many sign-in attempts from your address. Try again in %(seconds)d second.",
        "Too many sign-in attempts from your address. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def sign_in_throttled(seconds: int) -> exceptions.Throttled:
    """The API's 429 (``Retry-After`` is set from ``wait`` by the exception handler)."""
    exc = exceptions.Throttled(detail=sign_in_throttled_message(seconds), code="throttled")
    exc.wait = seconds
    return exc
