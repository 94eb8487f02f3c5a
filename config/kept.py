"""Values kept in the shared cache under versions, dropped by changing a version.

A value is kept together with the versions it was computed under; it is served only while
every one of them is still current. Writers call :func:`new_versions` for what they changed:
the versions change when the write happens and again when its transaction commits, so a value
computed meanwhile (which may predate the write) is never served after it. Versions are random
tokens, never reused. ``seconds`` bounds how long any value lives in any case; at ``0`` nothing
is kept (a cache per process could not be told of writes made in another).

Used for who is asking (:mod:`grid.auth`) and for counts of case lists (:mod:`reports.counts`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def new_versions(*version_keys: str) -> None:
    """Start new versions of ``version_keys``: now, and again once the transaction commits."""

    def change() -> None:
        version = uuid.uuid4().hex
        cache.set_many(dict.fromkeys(version_keys, version), timeout=None)

    change()
    transaction.on_commit(change)


def kept(key: str, version_keys: list[str], load: Callable[[], T | None], *, seconds: int):
    """``load()``'s answer, kept under ``key`` while the versions it was read under hold.

    ``None`` is never kept (an unknown token stays unknown only as long as it is).
    """
    if seconds <= 0:
        return load()
    found = cache.get_many([*version_keys, key])
    versions = tuple(found.get(k) for k in version_keys)
    held = found.get(key)
    if None not in versions and held is not None and held[0] == versions:
        return held[1]
    value = load()
    if value is None:
        return value
    if None in versions:
        # No version yet (a new cache): start one; if someone else did meanwhile, keep nothing.
        started = tuple(v or uuid.uuid4().hex for v in versions)
        for name, old, new in zip(version_keys, versions, started, strict=True):
            if old is None and not cache.add(name, new, timeout=None):
                return value
        versions = started
    cache.set(key, (versions, value), timeout=seconds)
    return value
