"""Tasks handed to the broker once the transaction commits, never failing the request for it.

What a task is to act on is written in the request's own transaction first (a
:class:`~notifications.models.Notification` row is the outbox: it commits or rolls back with the
change it announces). The task published afterwards only tells a worker to look now rather than
at the next sweep; so a broker that is down or frozen costs a delay, never data, and never the
request: :func:`publish_on_commit` publishes after the commit (a rolled-back transaction
publishes nothing, and a worker never looks before the rows are there), once, without retrying,
within ``BROKER_TIMEOUT_SECONDS`` (the settings' transport options), and when the broker cannot
be reached logs a warning and leaves the rows to the sweep. After such a failure the process
publishes nothing for ``REDIS_PAUSE_SECONDS`` (each publish would wait out the same timeout).

The sweep that catches up is a periodic task re-sending what is still undelivered
(``Notification.delivered_at`` is null, oldest first: the partial index
``notification_undelivered`` reads exactly those).
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What "the broker cannot be reached" looks like (kombu wraps most of it as OperationalError).
UNREACHABLE = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError)

_paused_until = 0.0  # time.monotonic() until which this process publishes nothing


def publish_on_commit(task, *args, **kwargs) -> None:
    """``task.delay(*args, **kwargs)`` once the current transaction commits, at once outside one.

    Never raises for the broker and never waits on it longer than one timeout; what it could
    not publish is left to the sweep (see the module's docstring).
    """
    transaction.on_commit(functools.partial(_publish, task, args, kwargs), robust=True)


def publish_once_on_commit(task) -> None:
    """``publish_on_commit(task)`` (no arguments) unless this transaction already will.

    For tasks that look for their own work (a drain): one publish per transaction however many
    writes ask for it. Should the savepoint that asked first roll back, the publish goes with
    it and the periodic sweep finds the rows instead (a delay, nothing lost).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, func, _robust in connection.run_on_commit:
            if getattr(func, "outbox_once", None) == task.name:
                return
    callback = functools.partial(_publish, task, (), {})
    callback.outbox_once = task.name
    transaction.on_commit(callback, robust=True)


def _publish(task, args: tuple, kwargs: dict) -> bool:
    """Publish now; ``False`` when the broker could not be reached (or is left alone)."""
    global _paused_until
    if time.monotonic() < _paused_until:
        logger.debug("Broker paused: %s left to the sweep.", task.name)
        return False
    try:
        task.apply_async(args, kwargs, retry=False)
    except UNREACHABLE as error:
        pause = float(getattr(settings, "REDIS_PAUSE_SECONDS", 0))
        _paused_until = time.monotonic() + pause
        logger.warning(
            "Broker unreachable (%s): %s left to the sweep; publishing again in %g s.",
            error,
            task.name,
            pause,
        )
        return False
    return True
