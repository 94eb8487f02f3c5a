"""The bell in the page header: the signed-in person's unread count, at no query of its own.

The count is an annotation of the query that loads the signed-in person on every page
(``grid.auth.register_signed_in_annotation``): a subquery on the partial index
``notification_unread`` that stops counting past ``BELL_CAP`` ("99+"), so it costs the same
for a person with three unread notifications and one with thirty thousand.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import IntegerField, OuterRef, Subquery
from django.http import HttpRequest

from grid.pagination import count_at_most
from grid.panels import Panel
from notifications.models import Notification

BELL_CAP = 99


class CappedCount(Subquery):
    """``(SELECT COUNT(*) FROM (<subquery with LIMIT>) capped)``: a count that stops early."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


def unread_count_expression() -> CappedCount:
    """The signed-in person's unread notifications, at most ``BELL_CAP + 1``."""
    unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at=None).order_by()
    return CappedCount(unread.values("pk")[: BELL_CAP + 1])


def unread_count(user, *, fresh: bool = False) -> int:
    """``user``'s unread count (at most ``BELL_CAP + 1``): the one loaded with them, unless
    ``fresh`` or they were loaded without it (then one query)."""
    loaded = None if fresh else getattr(user, "unread_notifications", None)
    if loaded is not None:
        return loaded
    return count_at_most(Notification.objects.filter(recipient=user, read_at=None), BELL_CAP + 1)


def bell_context(user, *, fresh: bool = False) -> dict:
    count = unread_count(user, fresh=fresh)
    return {"unread": count, "unread_shown": f"{BELL_CAP}+" if count > BELL_CAP else str(count)}


def bell_item(request: HttpRequest, now: datetime) -> Panel | None:
    """The bell, for every signed-in person (grid.panels' header slot)."""
    if not request.user.is_authenticated:
        return None
    return Panel("notifications/_bell.html", bell_context(request.user))
