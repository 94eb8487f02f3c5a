from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports filed by informants and their workflow."""

    name = "reports"
    verbose_name = _("Reports")
