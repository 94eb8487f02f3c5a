from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    """The four-tier grid: regions, grid information points, handling units and people."""

    name = "grid"
    verbose_name = _("Grid")

    def ready(self) -> None:
        from grid import validators
        from grid.errors import register
        from grid.services import ApiTokenNotFound

        validators.install()

        register(ApiTokenNotFound, 404, "not_found", _("No such token."), own_message=False)
