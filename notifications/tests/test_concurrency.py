"""Drains in parallel workers send every message once (PostgreSQL: row locks, SKIP LOCKED).

SQLite lets one writer in at a time and has no ``SELECT … FOR UPDATE``, so this race cannot
happen there.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from notifications.delivery import digests_send, notifications_drain
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, Notification
from notifications.services import notify
from notifications.tests.factories import prefer

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers and has no row locks",
    ),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 4


def _run_together(call, n: int) -> list:
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as exc:  # asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == n
    return results


def test_parallel_drains_send_each_message_once(city, robot, settings):
    settings.NOTIFICATIONS_SEND_THREADS = 2
    people = [city.county_admin(0), city.county_admin(1), city.informant(0)]
    for person in people:
        prefer(person, wecom_url=robot.url(f"/{person.pk}"))
    for n in range(40):
        notify(recipient_ids=[p.pk for p in people], kind="k", subject=f"YZ-{n}")

    results = _run_together(lambda: notifications_drain(batch_size=7), WORKERS)

    assert sum(r.handed_over for r in results) == 120
    assert sum(r.sent for r in results) == 120
    sent = Counter((r["path"], r["json"]["text"]["content"]) for r in robot.requests)
    assert len(sent) == 120
    assert set(sent.values()) == {1}
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 120
    assert DeliveryAttempt.objects.count() == 120
    assert not Notification.objects.filter(delivered_at=None).exists()


def test_parallel_digests_send_one_each(city, robot):
    people = [city.county_admin(0), city.county_admin(1), city.informant(0)]
    for person in people:
        prefer(person, wecom_url=robot.url(f"/{person.pk}"), digest=True)
    for n in range(5):
        notify(recipient_ids=[p.pk for p in people], kind="k", subject=f"YZ-{n}")
    notifications_drain()
    assert robot.requests == []

    from django.utils import timezone

    _run_together(lambda: digests_send(now=timezone.now(), batch_size=1), WORKERS)

    assert sorted(r["path"] for r in robot.requests) == sorted(f"/{p.pk}" for p in people)
    assert Delivery.objects.count() == 3


def test_a_person_another_worker_is_digesting_is_left_to_it(city, robot):
    """A worker holding the person's row (writing their digest) has them to itself: another
    worker sends nothing for them, not a second digest of the items it could still lock."""
    from django.db import transaction
    from django.utils import timezone

    from grid.models import User

    person = city.county_admin(0)
    prefer(person, wecom_url=robot.url(f"/{person.pk}"), digest=True)
    for n in range(3):
        notify(recipient_ids=[person.pk], kind="k", subject=f"YZ-{n}")
    notifications_drain()
    holding, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                list(User.objects.select_for_update().filter(pk=person.pk))
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        assert digests_send(now=timezone.now()) == 0
        assert Notification.objects.filter(recipient=person, awaiting_digest=True).count() == 3
    finally:
        release.set()
        thread.join(timeout=30)
    assert digests_send(now=timezone.now()) == 1  # once the other is done (here: it wrote none)
    assert [r["path"] for r in robot.requests] == [f"/{person.pk}"]
