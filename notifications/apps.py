from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications written as an outbox with the change they announce, delivered to
    e-mail and group-chat robots by a drain task."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from grid import panels
        from grid.auth import register_signed_in_annotation
        from notifications.bell import bell_item, unread_count_expression

        # The bell's count comes with the signed-in person, in the query that loads them.
        register_signed_in_annotation("unread_notifications", unread_count_expression)
        panels.register_header(bell_item)
