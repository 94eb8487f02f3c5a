from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    """Monthly assessment, rankings and leadership views; reads the other apps, never writes."""

    name = "scorecards"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        # The figures read from reports and dispatch (declared on import), then duty's
        # (scorecards.figures.registry). The menu links (grid.panels).
        from scorecards import panels
        from scorecards.figures import (
            builtin,  # noqa: F401
            duty,
        )

        duty.register()
        panels.register()
        # The weekly digest's notification kind (notifications.kinds).
        from scorecards.digests.services import register_kinds

        register_kinds()
