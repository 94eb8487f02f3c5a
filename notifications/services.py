"""Writes on notifications. Callers pass ids and texts; this app knows nothing of reports."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from notifications.models import Notification


def _cut(field: str, value: str) -> str:
    """``value`` cut to the size of ``Notification.<field>``: a long title must not fail a write."""
    return value[: Notification._meta.get_field(field).max_length]


def notify(
    *, recipient_ids: Iterable[int], kind: str, subject: str, text: str = "", url: str = ""
) -> int:
    """Queue one notification per recipient in the caller's transaction; returns how many.

    Repeated and missing (``None``) ids are skipped; nobody to tell writes nothing.
    """
    message = {
        "subject": _cut("subject", subject),
        "text": _cut("text", text),
        "url": _cut("url", url),
    }
    rows = [
        Notification(recipient_id=pk, kind=kind, **message)
        for pk in dict.fromkeys(recipient_ids)
        if pk is not None
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_where(
    *, recipients: QuerySet, kind: str, subject: str, text: str = "", url: str = ""
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
    )


@dataclass(frozen=True)
class Message:
    """One message to several people, for :func:`notify_many`."""

    recipient_ids: Iterable[int]
    kind: str
    subject: str
    text: str = ""
    url: str = ""


def notify_many(*, messages: Iterable[Message], batch_size: int = 1000) -> int:
    """Queue many different messages at once in the caller's transaction (a sweep telling each
    unit of its own case): one INSERT per ``batch_size`` rows, whatever the number of messages;
    returns how many rows. Repeated and missing ids of one message are skipped, as by
    :func:`notify`."""
    rows = [
        Notification(
            recipient_id=pk,
            kind=message.kind,
            subject=_cut("subject", message.subject),
            text=_cut("text", message.text),
            url=_cut("url", message.url),
        )
        for message in messages
        for pk in dict.fromkeys(message.recipient_ids)
        if pk is not None
    ]
    Notification.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
