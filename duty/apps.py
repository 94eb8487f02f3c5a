from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Duty rosters, logs, handovers, daily reports and risk points (later issues)."""

    name = "duty"
    verbose_name = _("Duty")
