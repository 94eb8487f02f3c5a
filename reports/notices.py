"""The kinds of notification reports sends, declared with notifications' registry at start-up.

One kind per step that tells someone (``report_<transition>``) plus the filing itself, worded
by ``templates/notifications/report-subject.txt`` and ``-body.txt`` with the step's own words.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, register_kind

TEMPLATE = "notifications/report"


def register_kinds() -> None:
    """Declare every kind reports sends (called from ``ReportsConfig.ready()``)."""
    from reports.workflow import TRANSITIONS

    register_kind(Kind("report_submitted", _("New case filed"), template=TEMPLATE))
    for transition in TRANSITIONS.values():
        if transition.tell is not None:
            register_kind(Kind(f"report_{transition.name}", transition.done, template=TEMPLATE))
