"""Nothing is lost while the broker is down: the change commits, nothing is sent then, and the
periodic drain sends it once the worker and beat run again (a Redis of the test's own)."""

from __future__ import annotations

import logging
import socket

import pytest
from celery import Celery

from notifications import outbox, tasks
from notifications.models import Delivery, Notification
from notifications.tests.factories import prefer
from reports.models import Report
from reports.tests.factories import submit
from tests.test_redis_outage import REDIS_SERVER, RedisServer

pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True),  # real commits: the publish happens after them
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker(settings, monkeypatch):
    """The drain task published to a Redis broker on a port of the test's own (down at first:
    nothing listens there). Returns the server, to start when the broker comes back."""
    server = RedisServer()
    server.port = _free_port()
    settings.REDIS_PAUSE_SECONDS = 0  # every publish tries the broker again
    monkeypatch.setattr(outbox, "_paused_until", 0.0)
    app = Celery("outage-drain", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = server.url
    app.conf.broker_transport_options = {
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.5,
        "max_retries": 0,
    }
    drain = app.task(name="notifications.tasks.drain_notifications", shared=False)(
        tasks.drain_notifications.run
    )
    monkeypatch.setattr(tasks, "drain_notifications", drain)
    yield server
    server.close()
    app.close()


def test_a_change_while_the_broker_is_down_is_delivered_once_by_the_periodic_drain(
    city, robot, broker, caplog
):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())

    # Broker down: the case is filed, its notification written; publishing fails, quietly.
    with caplog.at_level(logging.WARNING, logger="notifications.outbox"):
        report = submit(city.informant(0))
    assert "Broker unreachable" in caplog.text
    assert Report.objects.filter(pk=report.pk).exists()
    note = Notification.objects.get(recipient=admin)
    assert note.delivered_at is None
    assert robot.requests == []

    # Broker back: beat's periodic drain (run here as the worker would) sends it, once.
    broker.start()
    assert broker.client().llen("celery") == 0  # the failed publish was never queued
    assert tasks.drain_notifications()["sent"] == 1
    assert tasks.drain_notifications()["sent"] == 0
    assert len(robot.requests) == 1
    assert report.case_number in robot.bodies[0]["text"]["content"]
    assert Delivery.objects.get().attempts == 1

    # And with the broker up, the next change asks a worker to drain at once.
    submit(city.informant(0))
    assert broker.client().llen("celery") == 1
    assert tasks.drain_notifications()["sent"] == 1
    assert len(robot.requests) == 2
