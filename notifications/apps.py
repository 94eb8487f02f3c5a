from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications written as an outbox with the change they announce."""

    name = "notifications"
    verbose_name = _("Notifications")
