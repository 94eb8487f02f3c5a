"""The kinds of notification duty sends (declared with notifications' registry at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, register_kind

REMINDER = "duty_reminder"
MISSING = "duty_missing"
CITY_OVERVIEW = "duty_city_overview"


def register_kinds() -> None:
    """Declare the reminder to grid points, the missing list for county admins and the city
    overview for duty officers; worded by ``templates/notifications/duty_*``."""
    register_kind(Kind(REMINDER, _("Filing reminder")))
    register_kind(Kind(MISSING, _("Grid points that did not file")))
    register_kind(Kind(CITY_OVERVIEW, _("Filing overview of the city")))
