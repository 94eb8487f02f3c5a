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

        # A second filing for the same period is refused: 409 (grid.errors).
        from django.utils.translation import gettext_lazy

        from duty.services.filings import AlreadyFiled
        from grid.errors import register

        register(AlreadyFiled, 409, "already_filed", gettext_lazy("Already filed."))

        # The kinds of notification duty sends (notifications.kinds).
        from duty.notices import register_kinds

        register_kinds()

        # "My daily report today", the overview's count and the menu links (grid.panels).
        from duty import panels

        panels.register()

        # Deductions: the score-event and region-move hooks, notification kinds, refusals,
        # the menu link (duty.deductions.wiring).
        from duty.deductions import wiring

        wiring.register()
