from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    """Directives: notices and instructions sent down the grid, acknowledged and reported on
    by each node by a deadline, followed live by whoever issued them."""

    name = "directives"
    verbose_name = _("Directives")

    def ready(self) -> None:
        from directives import kinds, panels

        kinds.register()
        panels.register()

        from directives.consultations import setup as consultations
        from directives.ledger import setup as ledger

        consultations.register()
        ledger.register()

        # What a notice's refusal means (grid.errors): the notice does not ask this, or the
        # node already did it.
        from directives.services import NoticeConflict
        from grid.errors import register

        register(NoticeConflict, 409, "conflict", _("Not possible in the notice's state."))
