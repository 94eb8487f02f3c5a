"""Reads of notifications: a person's own list and preferences (nobody reads another's)."""

from __future__ import annotations

from django.db.models import QuerySet

from grid.models import User
from notifications.models import Notification, Preference

LIST_COLUMNS = ("id", "kind", "subject", "text", "url", "urgent", "created_at", "read_at")


def notification_list_for(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (``unread``: only those not read yet).

    Reads the index ``notification_inbox`` (or ``notification_unread``) from its start.
    """
    rows = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread:
        rows = rows.filter(read_at=None)
    return rows.only(*LIST_COLUMNS)


def preference_for(*, user: User) -> Preference:
    """``user``'s notification preferences; the defaults (in the product only), unsaved, if
    they never chose, with their account's e-mail address offered."""
    preference = Preference.objects.filter(user=user).first()
    return preference if preference is not None else Preference(user=user, email=user.email)
