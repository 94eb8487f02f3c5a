from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    """What happens to a case once the city routes it: the routing, the units' work, review,
    extensions, deadlines, reminders and supervision."""

    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from dispatch import tell
        from dispatch.forms import RouteDispatchForm
        from dispatch.services import routing
        from dispatch.services.actions import UnknownAction
        from dispatch.workflow import STEPS
        from grid.errors import register
        from grid.models import Role
        from reports import hooks

        # reports' own transitions, as dispatch extends them (reports never imports dispatch).
        hooks.extend_payload("route", RouteDispatchForm)
        hooks.register_after(routing.after_route, names=["route"])
        hooks.register_after(routing.after_bounce, names=["bounce"])
        hooks.register_after(routing.after_close, names=["close"])
        hooks.register_after(routing.after_reopen, names=["reopen"])
        hooks.register_condition(
            "close", routing.reply_approved_if_routed, routing.CLOSE_NEEDS_APPROVED_REPLY
        )
        hooks.register_visibility(routing.co_handled_cases)
        # The duty console is the duty officers' queue: one menu entry, the queue redirects.
        hooks.register_queue_page(
            Role.DUTY_OFFICER, url_name="dispatch-console", title=_("Duty console")
        )
        for name, (done, plain) in STEPS.items():
            hooks.register_step(name, done=done, plain=plain)

        # The kinds of notification dispatch sends (notifications.kinds).
        tell.register_kinds()

        # What dispatch's refusals mean (grid.errors): an unknown action is a 404; a wrong
        # state a 409 like a transition's (ActionNotAllowed is a TransitionNotAllowed).
        register(UnknownAction, 404, "not_found", _("No such action."))

        # The console and inbox links, the inbox on a unit's home page, the major-case banner
        # (grid.panels); the routing, clocks and actions on the case page (reports.case_panels).
        from dispatch import panels

        panels.register()
