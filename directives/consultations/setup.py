"""What consultations register with the apps below, from DirectivesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, register_kind
from reports import hooks


def register() -> None:
    from directives.consultations import panels, rules, services

    hooks.register_visibility(rules.consulted_cases)
    hooks.register_after(services.after_route, names=["route", "reject"])
    hooks.register_step(services.OPENED, done=_("Consultation opened"))
    hooks.register_step(services.OPINION, done=_("View given in the consultation"))
    hooks.register_step(services.CONCLUDED, done=_("Consultation concluded"))
    register_kind(
        Kind(services.INVITED, _("Invited to a consultation"), template="notifications/report")
    )
    panels.register()
