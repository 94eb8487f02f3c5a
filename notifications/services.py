"""Writes on notifications. Callers pass ids and texts; this app knows nothing of reports."""

from collections.abc import Iterable

from notifications.models import Notification


def notify(
    *, recipient_ids: Iterable[int], kind: str, subject: str, text: str = "", url: str = ""
) -> int:
    """Queue one notification per recipient in the caller's transaction; returns how many."""
    rows = [
        Notification(
            recipient_id=pk, kind=kind, subject=subject[:100], text=text[:300], url=url[:200]
        )
        for pk in dict.fromkeys(recipient_ids)
        if pk is not None
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
