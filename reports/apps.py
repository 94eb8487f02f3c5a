from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports filed by informants and their workflow."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from grid.grades import register_grades
        from grid.hooks import register_region_moved
        from reports.models import Grade
        from reports.regions import cases_follow_region_move

        # The grades a deadline rule may name (grid.models.ClockRule).
        register_grades(Grade.choices)

        # A region move carries the cases of its subtree, in the same transaction.
        register_region_moved(cases_follow_region_move)

        from django.utils.translation import gettext_lazy
        from django_fsm import ConcurrentTransition, TransitionNotAllowed

        from grid.errors import register
        from reports.models import Report
        from reports.services import IdempotencyKeyReused, UnknownTransition

        # What the workflow's refusals mean, for the API and the pages (grid.errors).
        register(TransitionNotAllowed, 409, "transition_not_allowed")
        register(
            ConcurrentTransition,
            409,
            "concurrent_transition",
            gettext_lazy(
                "This case was changed by someone else meanwhile. "
                "Look at it as it stands now and decide again."
            ),
            own_message=False,  # django-fsm's words are for developers
        )
        register(UnknownTransition, 404, "not_found", gettext_lazy("No such action."))
        # The same key with other content: 422, as the IETF idempotency-key draft advises.
        register(IdempotencyKeyReused, 422, "idempotency_key_reused")
        register(
            Report.DoesNotExist,
            404,
            "not_found",
            gettext_lazy("No such case in your jurisdiction."),
            own_message=False,
        )

        # The disposal sweep's step on a case's timeline (what the product found by itself).
        from reports.hooks import register_step
        from reports.services.disposal import DISPOSAL_OVERDUE

        register_step(
            DISPOSAL_OVERDUE,
            done=gettext_lazy("Disposal status overdue (24 h)"),
            plain=gettext_lazy("Handling took longer than the 24 hours allowed"),
        )

        # The work list on the home pages and the report links in the main menu (grid.panels).
        from reports import panels

        panels.register()

        # The kinds of notification the workflow sends (notifications.kinds).
        from reports.notices import register_kinds

        register_kinds()
