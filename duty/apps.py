from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Duty: rosters, clock-ins, swaps, absences, the duty log and the 09:00 handover; every
    recurring deadline as an expected submission (daily reports, risk points, handovers), swept
    by Celery beat; deductions and bonuses."""

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

        # The 09:00 handover: a kind of expected submission, its notification, its task.
        from duty import handover_kind, handover_notices, handover_tasks  # noqa: F401

        handover_kind.register()
        handover_notices.register_kinds()

        from duty.errors import DutyConflict
        from duty.models import Absence, DutyDay, DutyShift, Handover, Swap
        from grid.errors import register

        # What duty's refusals mean, for the API and the pages (grid.errors).
        register(DutyConflict, 409, "duty_conflict")
        for model, message in (
            (DutyDay, _("No such duty in your jurisdiction.")),
            (DutyShift, _("No such duty in your jurisdiction.")),
            (Swap, _("No such swap request in your jurisdiction.")),
            (Absence, _("No such absence in your jurisdiction.")),
            (Handover, _("No such handover in your jurisdiction.")),
        ):
            register(model.DoesNotExist, 404, "not_found", message, own_message=False)

        # "My next duties" on the home page, the duty links in the menu (grid.panels).
        from duty.rosters import panels as roster_panels

        roster_panels.register()

        # A second filing for the same period is refused: 409 (grid.errors).
        from duty.services.filings import AlreadyFiled

        register(AlreadyFiled, 409, "already_filed", _("Already filed."))

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
