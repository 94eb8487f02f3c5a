"""What deductions register with the lower apps at start-up (``DutyConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Hooks, notification kinds, refusals, the menu link (each registry replaces repeats)."""
    from duty.deductions import notices, panels
    from duty.deductions.services import (
        NoSuchDeduction,
        deductions_follow_region_move,
        deductions_from_events,
    )
    from grid.errors import register as register_refusal
    from grid.hooks import register_region_moved, register_score_events

    # Detectors' score events become deductions, in their own transaction (grid.hooks).
    register_score_events(deductions_from_events)
    # A region move carries the deductions of its subtree (their scoping path).
    register_region_moved(deductions_follow_region_move)
    notices.register_kinds()
    register_refusal(
        NoSuchDeduction,
        404,
        "not_found",
        _("No such deduction in your jurisdiction."),
        own_message=False,
    )
    panels.register()
