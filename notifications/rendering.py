"""The words of a message: a kind's templates rendered in the recipient's language.

Templates are plain text (``templates/notifications/<name>-subject.txt`` and ``-body.txt``,
autoescape off inside them); links are made absolute with ``NOTIFICATIONS_SITE_URL`` so that
an e-mail or a chat message leads back to the product.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.channels import Message
from notifications.kinds import Kind, kind_or_none
from notifications.models import Notification, Preference


def absolute_url(url: str) -> str:
    """``url`` (a path of the product, or already absolute) as a full address."""
    if url.startswith("/"):
        return settings.NOTIFICATIONS_SITE_URL.rstrip("/") + url
    return url


def language_of(preference: Preference | None) -> str:
    """The language a person's messages are written in: theirs, else the site's."""
    return (preference.language if preference else "") or settings.LANGUAGE_CODE


def kind_of(notification: Notification) -> Kind:
    """The notification's kind; a kind no longer declared is worded by the default templates."""
    return kind_or_none(notification.kind) or Kind(notification.kind, notification.kind)


def _item(notification: Notification) -> dict:
    kind = kind_of(notification)
    return {
        **notification.context,
        "kind": kind.name,
        "label": kind.label,
        "subject": notification.subject,
        "text": notification.text,
        "url": absolute_url(notification.url) if notification.url else "",
        "urgent": notification.urgent,
        "created_at": timezone.localtime(notification.created_at)
        if notification.created_at
        else None,
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_notification(
    notification: Notification, *, recipient_name: str, language: str
) -> Message:
    """The subject and body of one notification, in ``language``."""
    subject_templates, body_templates = kind_of(notification).templates
    context = {**_item(notification), "recipient": recipient_name}
    with translation.override(language):
        return Message(
            subject=_one_line(render_to_string(subject_templates, context))[:200],
            body=render_to_string(body_templates, context).strip(),
        )


def render_digest(
    notifications: Iterable[Notification], *, more: int, recipient_name: str, language: str
) -> Message:
    """One message listing a person's pending non-urgent notifications (``more`` left out)."""
    items = [_item(n) for n in notifications]
    context = {
        "items": items,
        "count": len(items) + more,
        "more": more,
        "recipient": recipient_name,
        "list_url": absolute_url(reverse("notification-list")),
    }
    with translation.override(language):
        return Message(
            subject=_one_line(render_to_string("notifications/digest-subject.txt", context))[:200],
            body=render_to_string("notifications/digest-body.txt", context).strip(),
        )
