from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    """The four-tier grid: regions, grid information points, handling units and people."""

    name = "grid"
    verbose_name = _("Grid")
