"""Writes on notifications. Callers pass ids and texts; this app knows nothing of reports.

Telling people (:func:`notify`, :func:`notify_where`) writes rows in the caller's transaction,
one INSERT for all recipients, and asks a worker to deliver them once it commits
(:func:`notifications.outbox.publish_on_commit`; a broker that is down costs a delay only:
the periodic drain sends what is left). The kind must have been declared
(:mod:`notifications.kinds`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from grid.models import User
from notifications.kinds import get_kind
from notifications.models import Notification, Preference
from notifications.outbox import publish_once_on_commit


def _cut(field: str, value: str) -> str:
    """``value`` cut to the size of ``Notification.<field>``: a long title must not fail a write."""
    return value[: Notification._meta.get_field(field).max_length]


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    subject: str,
    text: str = "",
    url: str = "",
    context: dict[str, Any] | None = None,
    urgent: bool | None = None,
) -> int:
    """Queue one notification per recipient in the caller's transaction; returns how many.

    ``kind`` is a declared kind (:class:`~notifications.kinds.UnknownKind` otherwise);
    ``urgent`` overrides the kind's urgency for these rows (e.g. a case graded major);
    ``context`` is what the kind's templates may say beyond subject and text (JSON).
    Repeated and missing (``None``) ids are skipped; nobody to tell writes nothing.
    """
    declared = get_kind(kind)
    message = {
        "subject": _cut("subject", subject),
        "text": _cut("text", text),
        "url": _cut("url", url),
        "context": context or {},
        "urgent": declared.urgent if urgent is None else urgent,
    }
    rows = [
        Notification(recipient_id=pk, kind=kind, **message)
        for pk in dict.fromkeys(recipient_ids)
        if pk is not None
    ]
    if rows:
        Notification.objects.bulk_create(rows)
        from notifications.tasks import drain_notifications

        publish_once_on_commit(drain_notifications)
    return len(rows)


def notify_where(
    *,
    recipients: QuerySet,
    kind: str,
    subject: str,
    text: str = "",
    url: str = "",
    context: dict[str, Any] | None = None,
    urgent: bool | None = None,
) -> int:
    """Queue one notification for each person ``recipients`` selects; returns how many.

    Two statements in the caller's transaction: one reads the people's ids (never the people),
    one inserts the rows through the model. A queryset that selects nobody by construction
    (``.none()``) costs no query at all.
    """
    return notify(
        recipient_ids=recipients.order_by().values_list("pk", flat=True),
        kind=kind,
        subject=subject,
        text=text,
        url=url,
        context=context,
        urgent=urgent,
    )


@dataclass(frozen=True)
class Message:
    """One message to several people, for :func:`notify_many` (the arguments of :func:`notify`)."""

    recipient_ids: Iterable[int]
    kind: str
    subject: str
    text: str = ""
    url: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    urgent: bool | None = None


def notify_many(*, messages: Iterable[Message], batch_size: int = 1000) -> int:
    """Queue many different messages at once in the caller's transaction (a sweep telling each
    unit of its own case), as :func:`notify` queues each: one INSERT per 5,000 rows on
    PostgreSQL (``batch_size`` elsewhere, within the backend's limit) whatever the number of
    messages, plain tuples rather than model instances (:mod:`notifications.bulk`), one
    delivery asked for once it commits; returns how many rows. Every kind must be declared;
    repeated and missing ids of one message are skipped."""
    from notifications import bulk

    rows = []
    contexts: dict[int, tuple[dict, str]] = {}
    for message in messages:
        declared = get_kind(message.kind)
        if not message.context:
            context = "{}"
        else:  # encoded once per context object (many messages may share one)
            known = contexts.get(id(message.context))
            if known is None:
                known = contexts[id(message.context)] = (
                    message.context,  # kept alive: its id is not reused meanwhile
                    bulk.context_value(message.context),
                )
            context = known[1]
        fields = (
            message.kind,
            _cut("subject", message.subject),
            _cut("text", message.text),
            _cut("url", message.url),
            context,
            declared.urgent if message.urgent is None else message.urgent,
        )
        rows.extend((pk, *fields) for pk in dict.fromkeys(message.recipient_ids) if pk is not None)
    if rows:
        size = bulk.CHUNK if connection.vendor == "postgresql" else batch_size
        bulk.insert_rows(rows, now=timezone.now(), size=size)
        from notifications.tasks import drain_notifications

        publish_once_on_commit(drain_notifications)
    return len(rows)


def notify_select(*, kind: str, sql: str, params: Sequence = ()) -> int:
    """Queue the messages of one declared ``kind`` that a query selects, in the caller's
    transaction, as :func:`notify_many` queues them but without reading them into Python (a
    sweep telling 15,000 parties whom the database finds itself): ``sql`` selects
    ``recipient_id, subject, text, url``, one row per recipient and message, repeats already
    left out; one delivery is asked for once it commits. Returns how many rows."""
    from notifications import bulk

    declared = get_kind(kind)
    written = bulk.insert_select(sql, params, kind=kind, urgent=declared.urgent, now=timezone.now())
    if written:
        from notifications.tasks import drain_notifications

        publish_once_on_commit(drain_notifications)
    return written


class NotificationNotFound(Notification.DoesNotExist):
    """No such notification of the person's (another person's looks the same)."""


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (again: it keeps its first reading time)."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


PREFERENCE_FIELDS = (
    "language",
    "digest",
    "email_on",
    "email",
    "wecom_on",
    "wecom_url",
    "dingtalk_on",
    "dingtalk_url",
    "dingtalk_secret",
    "feishu_on",
    "feishu_url",
    "feishu_secret",
)


@transaction.atomic
def preference_update(*, user: User, **values: Any) -> Preference:
    """Set ``user``'s notification preferences (the fields given; the others keep their value).

    Validated as a whole (a channel turned on needs its address, webhooks only on allowed
    hosts): ``ValidationError`` by field otherwise, and nothing is written.
    """
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"not preference fields: {sorted(unknown)}")
    preference = Preference.objects.select_for_update().filter(user=user).first() or Preference(
        user=user
    )
    for name, value in values.items():
        setattr(preference, name, value)
    preference.full_clean(exclude=["user"])
    preference.save()
    return preference
