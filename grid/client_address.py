"""Who is on the other end: the one answer to "from which address?", for lockouts and throttles.

django-axes (``AXES_CLIENT_IP_CALLABLE``), the sign-in throttle (:mod:`grid.throttling`) and
anything else that keys on a client's address ask :func:`client_address`, so they always agree.

``REMOTE_ADDR`` is the address of whoever opened the connection. Behind the reverse proxy of
``docs/deployment.md`` that is the proxy for every client, so the proxy's ``X-Forwarded-For``
must be read, but only when the connection comes from a proxy we trust
(``GRID_TRUSTED_PROXIES``): anyone else can write any ``X-Forwarded-For`` they like. A
trusted proxy appends the address it saw to the header, so the header is read from the right,
skipping our own proxies; the first address that is not one of them is the client. Whatever
lies to its left was written by the client and is never believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"GRID_TRUSTED_PROXIES: {exc}") from exc


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's address: the peer, or what our trusted proxies say they saw.

    Works on Django's and DRF's requests alike (both have ``META``).
    """
    peer = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _networks(tuple(getattr(settings, "GRID_TRUSTED_PROXIES", ()) or ()))
    if not trusted:
        return peer

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    nearest = _address(peer)
    if nearest is None or not is_trusted(nearest):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",") if forwarded else []):
        address = _address(hop)
        if address is None:
            break  # garbage: the hop before it (one of our proxies) is all we know
        nearest = address
        if not is_trusted(address):
            break
    return str(nearest)
