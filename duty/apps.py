from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Duty: rosters, logs, handovers, and every recurring deadline as an expected submission
    (daily reports, risk points), swept by Celery beat; deductions and bonuses."""

    name = "duty"
    verbose_name = _("Duty")

    def ready(self) -> None:
        # Expected submissions follow region moves (their copied paths and counties).
        from duty.regions import expected_follow_region_move
        from grid.hooks import register_region_moved

        register_region_moved(expected_follow_region_move)

        # The grid points' daily report and monthly risk points (duty.kinds).
        from duty import filings

        filings.register()

        # Deductions: the score-event and region-move hooks, notification kinds, refusals,
        # the menu link (duty.deductions.wiring).
        from duty.deductions import wiring

        wiring.register()
