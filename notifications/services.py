"""Writes on notifications. Callers pass ids and texts; this app knows nothing of reports."""

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

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


def notify_where(
    *, recipients: QuerySet, kind: str, subject: str, text: str = "", url: str = ""
) -> int:
    """Queue one notification for each person ``recipients`` selects; returns how many.

    One ``INSERT … SELECT`` in the caller's transaction: the people are never read into
    Python (intake notifies a county's admins on every report).
    """
    try:
        query = recipients.order_by().values(rid=F("pk")).distinct().query
        select, params = query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(): nobody to tell
        return 0
    table = connection.ops.quote_name(Notification._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, subject, text, url, created_at) "  # noqa: S608 - our table, a compiled queryset
            f"SELECT picked.rid, %s, %s, %s, %s, %s FROM ({select}) picked",
            [kind, subject[:100], text[:300], url[:200], now, *params],
        )
        return cursor.rowcount
