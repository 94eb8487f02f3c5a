"""Delivery: notifications handed to people's channels, sent, retried, and gathered in digests.

Three steps, each in bounded batches and safe to run in several workers at once:

1. :func:`notifications_hand_over` takes undelivered notifications, oldest first, under
   ``SELECT … FOR UPDATE SKIP LOCKED``; for each person it reads their preferences once and
   writes one :class:`Delivery` per channel they have (its words rendered in their language),
   or marks the row ``awaiting_digest`` (non-urgent, digest chosen); the row's
   ``delivered_at`` is set in the same transaction, so a second run hands over nothing again.
2. :func:`deliveries_send_due` claims deliveries whose ``next_attempt_at`` has come (a
   compare-and-set under ``SKIP LOCKED``: the claim moves ``next_attempt_at`` to the end of a
   lease, so another worker does not see them as due), sends them outside any transaction
   (network calls never hold a lock), records one :class:`DeliveryAttempt` each, and writes the
   outcome only where the claim still holds. A failure is retried after a growing pause
   (stored in ``next_attempt_at`` and swept, never a Celery countdown) until
   ``NOTIFICATIONS_MAX_ATTEMPTS``, then marked failed for the admin to see. A worker that dies
   mid-batch leaves its claim to run out: those deliveries are tried again (at least once).
3. :func:`digests_send` (daily) turns each person's rows awaiting the digest into one
   message per channel.

:func:`notifications_drain` runs 1 and 2 until nothing is due (or a bound is reached): the
task published after every write, and the periodic sweep that catches up after a broker
outage, both call it.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from notifications import channels
from notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    Preference,
)
from notifications.rendering import language_of, render_digest, render_notification

logger = logging.getLogger(__name__)

#: The most items one digest lists (the rest are counted: "and N more").
DIGEST_MAX_ITEMS = 50


@dataclass
class DrainResult:
    """What one drain did: notifications handed over, deliveries sent, failed for good, retried."""

    handed_over: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0

    def add(self, other: DrainResult) -> None:
        for name in ("handed_over", "sent", "failed", "retrying", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _preferences(user_ids) -> dict[int, Preference]:
    """Active people's preferences by person (one query)."""
    return {
        p.user_id: p
        for p in Preference.objects.filter(user_id__in=set(user_ids), user__is_active=True)
        .select_related("user")
        .only("user__name", "user__username", *_PREFERENCE_FIELDS)
    }


_PREFERENCE_FIELDS = [
    f.name for f in Preference._meta.concrete_fields if f.name not in ("user", "updated_at")
] + ["user_id"]


# --- 1. hand over -----------------------------------------------------------------------------


def notifications_hand_over(*, now: datetime, batch_size: int) -> int:
    """Hand the oldest undelivered notifications (at most ``batch_size``) to their channels.

    Returns how many were handed over (0: nothing left).
    """
    with transaction.atomic():
        batch = list(
            Notification.objects.filter(delivered_at=None)
            .order_by("created_at")
            .select_for_update(skip_locked=True)
            .only(
                "id",
                "recipient_id",
                "kind",
                "subject",
                "text",
                "url",
                "context",
                "urgent",
                "created_at",
            )[:batch_size]
        )
        if not batch:
            return 0
        preferences = _preferences(n.recipient_id for n in batch)
        deliveries: list[Delivery] = []
        for_digest: list[int] = []
        for notification in batch:
            preference = preferences.get(notification.recipient_id)
            wanted = preference.channels() if preference is not None else []
            if not wanted:
                continue  # told in the product only
            if preference.digest and not notification.urgent:
                for_digest.append(notification.pk)
                continue
            message = render_notification(
                notification,
                recipient_name=str(preference.user),
                language=language_of(preference),
            )
            deliveries.extend(
                Delivery(
                    recipient_id=notification.recipient_id,
                    notification=notification,
                    channel=channel,
                    subject=message.subject,
                    body=message.body,
                    next_attempt_at=now,
                    created_at=now,
                )
                for channel in wanted
            )
        Delivery.objects.bulk_create(deliveries, batch_size=500)
        digest_ids = set(for_digest)
        Notification.objects.filter(pk__in=[n.pk for n in batch if n.pk not in digest_ids]).update(
            delivered_at=now
        )
        if digest_ids:
            Notification.objects.filter(pk__in=digest_ids).update(
                delivered_at=now, awaiting_digest=True
            )
    return len(batch)


# --- 2. send ----------------------------------------------------------------------------------


def retry_pause(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: doubling, capped."""
    base = settings.NOTIFICATIONS_RETRY_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    )


def _claim(*, now: datetime, batch_size: int) -> tuple[list[Delivery], datetime]:
    """Claim the deliveries due at ``now`` (at most ``batch_size``) until the lease's end."""
    lease_until = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_SECONDS)
    with transaction.atomic():
        rows = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .only("id", "recipient_id", "channel", "subject", "body", "attempts")[:batch_size]
        )
        if rows:
            Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(next_attempt_at=lease_until)
    return rows, lease_until


_pools: dict[int, ThreadPoolExecutor] = {}


def _sender_pool() -> ThreadPoolExecutor | None:
    """The threads that send (``NOTIFICATIONS_SEND_THREADS``; none for 1), kept for the
    process's life so that their robot connections stay open between batches."""
    threads = settings.NOTIFICATIONS_SEND_THREADS
    if threads <= 1:
        return None
    pool = _pools.get(threads)
    if pool is None:
        pool = _pools[threads] = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="notifications-send"
        )
    return pool


def _try(delivery: Delivery, preference: Preference | None) -> tuple[str | None, datetime]:
    """Send one delivery; (why it failed or None, when it was tried)."""
    address, secret = preference.address(delivery.channel) if preference else ("", "")
    message = channels.Message(subject=delivery.subject, body=delivery.body)
    at = timezone.now()
    try:
        channels.send(delivery.channel, address=address, secret=secret, message=message)
    except channels.SendError as error:
        return str(error) or "failed", at
    except Exception as error:  # a bug in a channel must not stop the batch
        logger.exception("Delivery %s: unexpected error", delivery.pk)
        return f"{type(error).__name__}: {error}"[:500], at
    return None, at


def deliveries_send_due(*, now: datetime, batch_size: int) -> DrainResult:
    """Send the deliveries due at ``now`` (at most ``batch_size``); see the module's docstring."""
    rows, lease_until = _claim(now=now, batch_size=batch_size)
    result = DrainResult()
    if not rows:
        return result
    preferences = _preferences(d.recipient_id for d in rows)
    to_send, cancelled = [], []
    for delivery in rows:
        preference = preferences.get(delivery.recipient_id)
        if preference is None or not preference.address(delivery.channel)[0]:
            cancelled.append(delivery)  # the person turned the channel off, or left
        else:
            to_send.append((delivery, preference))
    pool = _sender_pool()
    if pool is None or len(to_send) < 2:
        outcomes = [_try(d, p) for d, p in to_send]
    else:
        outcomes = list(pool.map(lambda pair: _try(*pair), to_send))

    attempts: list[DeliveryAttempt] = []
    sent_ids: list[int] = []
    failures: list[Delivery] = []  # rare: written row by row
    limit = settings.NOTIFICATIONS_MAX_ATTEMPTS
    for (delivery, _preference), (error, at) in zip(to_send, outcomes, strict=True):
        attempts.append(
            DeliveryAttempt(delivery=delivery, at=at, ok=error is None, error=error or "")
        )
        if error is None:
            sent_ids.append(delivery.pk)
            continue
        delivery.attempts += 1
        delivery.last_error = error
        failures.append(delivery)
        if delivery.attempts >= limit:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            result.failed += 1
            logger.warning(
                "Delivery %s (%s) given up after %d attempts: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                error,
            )
        else:
            delivery.next_attempt_at = at + retry_pause(delivery.attempts)
            result.retrying += 1
    result.sent = len(sent_ids)
    result.cancelled = len(cancelled)
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(attempts, batch_size=500)
        # Only where the claim still holds (a claim that ran out belongs to another worker).
        claimed = Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at=lease_until
        )
        if sent_ids:
            # One statement for the batch, each row's sending time its own attempt's.
            claimed.filter(pk__in=sent_ids).update(
                status=DeliveryStatus.SENT,
                attempts=F("attempts") + 1,
                next_attempt_at=None,
                last_error="",
                sent_at=Subquery(
                    DeliveryAttempt.objects.filter(delivery=OuterRef("pk"), ok=True)
                    .order_by("-at")
                    .values("at")[:1]
                ),
            )
        if cancelled:
            claimed.filter(pk__in=[d.pk for d in cancelled]).update(
                status=DeliveryStatus.CANCELLED,
                next_attempt_at=None,
                last_error="channel turned off",
            )
        for delivery in failures:
            claimed.filter(pk=delivery.pk).update(
                status=delivery.status,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                last_error=delivery.last_error,
            )
    return result


# --- 1 + 2 --------------------------------------------------------------------------------------


def notifications_drain(
    *, now: datetime | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> DrainResult:
    """Hand over every undelivered notification, then send every delivery due, in batches.

    Stops when nothing is left or after ``max_batches`` batches of each step (the periodic
    sweep goes on where it stopped). Running it twice, or in two workers at once, sends
    nothing twice.
    """
    now = timezone.now() if now is None else now
    batch_size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
    max_batches = max_batches or settings.NOTIFICATIONS_MAX_BATCHES
    result = DrainResult()
    for _ in range(max_batches):
        handed = notifications_hand_over(now=now, batch_size=batch_size)
        result.handed_over += handed
        if handed < batch_size:
            break
    for _ in range(max_batches):
        batch = deliveries_send_due(now=now, batch_size=batch_size)
        result.add(batch)
        if batch.sent + batch.failed + batch.retrying + batch.cancelled < batch_size:
            break
    return result


# --- 3. digests ---------------------------------------------------------------------------------


def _digest_for(*, recipient_id: int, now: datetime) -> int:
    """One person's digest: one delivery per channel listing what awaits it; returns items.

    The person's row is the lock: a worker that finds it taken leaves the person to the one
    holding it (locking the notifications themselves with SKIP LOCKED would let two workers
    split one person's items and send two digests).
    """
    with transaction.atomic():
        people = get_user_model().objects.filter(pk=recipient_id)
        if not people.select_for_update(skip_locked=True).values_list("pk", flat=True):
            return 0
        waiting = list(
            Notification.objects.filter(recipient_id=recipient_id, awaiting_digest=True)
            .order_by("created_at")
            .only("id", "kind", "subject", "text", "url", "context", "urgent", "created_at")
        )
        if not waiting:
            return 0
        preference = _preferences([recipient_id]).get(recipient_id)
        wanted = preference.channels() if preference is not None else []
        if wanted:
            shown = waiting[-DIGEST_MAX_ITEMS:]  # the newest, oldest first
            message = render_digest(
                shown,
                more=len(waiting) - len(shown),
                recipient_name=str(preference.user),
                language=language_of(preference),
            )
            Delivery.objects.bulk_create(
                Delivery(
                    recipient_id=recipient_id,
                    channel=channel,
                    subject=message.subject,
                    body=message.body,
                    next_attempt_at=now,
                    created_at=now,
                )
                for channel in wanted
            )
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(awaiting_digest=False)
    return len(waiting)


def digests_send(*, now: datetime, batch_size: int | None = None) -> int:
    """Write the daily digest of every person with notifications awaiting one, then send them.

    Each person in their own transaction; a second run finds nothing awaiting. Returns the
    number of people given a digest.
    """
    batch_size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
    people, after = 0, 0
    while True:
        recipients = list(
            Notification.objects.filter(awaiting_digest=True, recipient_id__gt=after)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:batch_size]
        )
        if not recipients:
            break
        for recipient_id in recipients:
            if _digest_for(recipient_id=recipient_id, now=now):
                people += 1
        after = recipients[-1]
    notifications_drain(now=now)
    return people


def deliveries_retry(*, deliveries, now: datetime) -> int:
    """Try failed deliveries (of the queryset ``deliveries``) again from now, with a fresh
    count of attempts: for a system admin once the cause (a wrong webhook) is put right."""
    return deliveries.filter(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now
    )
