"""The shared cache on Redis, failing open: Redis down or frozen never fails or stalls a request.

Django's ``RedisCache`` raises on every call while Redis is unreachable (every request
answered 500), and waits for a frozen Redis as long as the socket lets it (5 s a call with
redis-py's defaults). :class:`FailOpenRedisCache` answers instead as a cache that holds
nothing would: a read misses (``get`` returns the default, ``get_many`` nothing, ``has_key``
``False``), a write does nothing (``set``, ``set_many``, ``touch``, ``delete``… answer falsy;
``set_many`` names every key as not stored), ``incr``/``decr`` raise ``ValueError`` as for a
missing key. Calls time out after ``socket_timeout`` (``REDIS_CACHE_TIMEOUT_SECONDS``) and are
never retried. After a failure the process leaves Redis alone for ``pause_seconds``
(``REDIS_PAUSE_SECONDS``): meanwhile every call answers at once without touching the network, so
a frozen Redis costs one call one timeout per pause, not every call of every request. One
warning is logged per pause.

What is kept in this cache must therefore be safe to lose, and safe to outlive a delete that
was lost while Redis was away, for as long as its timeout: sessions are not kept here (see
``SESSION_ENGINE`` in the settings and docs/deployment.md).

Only errors of reaching Redis fail open (connection refused or reset, timeouts, a server still
loading its data); any other error (a wrong type, a bad command) is a bug and raises.

Referenced by the settings only (``CACHES``).
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

#: What "Redis cannot be reached" looks like (BusyLoadingError is a ConnectionError).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Until when (time.monotonic()) each server, by LOCATION, is left alone in this process. Django
# makes one cache object per thread; the pause is shared by all of them.
_paused_until: dict[str, float] = {}


def _failing_open(answer):
    """Run the method; if Redis cannot be reached, pause it and return ``answer(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._paused():
                return answer(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._pause(error)
                return answer(*args, **kwargs)

        return wrapper

    return decorate


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _default(key, default=None, version=None):
    return default


def _nothing(*args, **kwargs):
    return {}


def _all_keys(data, *args, **kwargs):
    return list(data)


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache that misses and forgets, fast, while Redis cannot be reached.

    ``OPTIONS`` as for ``RedisCache`` (passed to redis-py's connection pool), plus
    ``pause_seconds``. ``socket_timeout`` and ``socket_connect_timeout`` default to 0.25 s and
    ``retry`` to no retry at all.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.pause_seconds = float(options.pop("pause_seconds", 5))
        options.setdefault("socket_timeout", 0.25)
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = ",".join(self._servers)

    def _paused(self) -> bool:
        until = _paused_until.get(self._location)
        if until is None:
            return False
        if time.monotonic() < until:
            return True
        _paused_until.pop(self._location, None)
        return False

    def _pause(self, error: BaseException) -> None:
        if self.pause_seconds <= 0:
            logger.warning("Cache unreachable, missing this call: %s", error)
            return
        _paused_until[self._location] = time.monotonic() + self.pause_seconds
        logger.warning(
            "Cache unreachable (%s): working without it for %g s.", error, self.pause_seconds
        )

    @_failing_open(_false)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_failing_open(_default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_failing_open(_none)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_failing_open(_false)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_failing_open(_false)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_failing_open(_nothing)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_failing_open(_false)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_failing_open(_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_failing_open(_all_keys)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_failing_open(_none)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_failing_open(_false)
    def clear(self):
        return super().clear()
