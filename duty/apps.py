from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    """Duty at grid points and the city platform: rosters, clock-ins, swaps, absences, the duty
    log and the 09:00 handover; daily reports and risk points (recurring deadlines)."""

    name = "duty"
    verbose_name = _("Duty")

    def ready(self) -> None:
        from duty import panels
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
        panels.register()
