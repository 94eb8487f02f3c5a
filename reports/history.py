"""A case's history as one person may read it: the same entries for the page and the API.

Staff read every step with its comment and details. People of grid points (who see only what
they filed) read the city's routing steps in plain words, without who did them, comments or
details, and never the triage notes. Nobody learns who filed a case unless they must
(:func:`reports.rules.may_see_reporter`). What the product did by itself reads "System".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from grid.models import User
from reports.models import Report, ReportEvent
from reports.rules import may_see_reporter, sees_internal
from reports.selectors import report_timeline_for
from reports.workflow import step_words

# Keys of an event's data that only staff see: triage notes.
STAFF_ONLY_DATA = frozenset({"likely_duplicate_of"})


@dataclass(frozen=True)
class HistoryEntry:
    """One step as the reader may see it."""

    event: ReportEvent
    words: str  # what the step is called, for this reader
    actor: str | None  # who did it; None where the reader may not know
    comment: str
    data: dict


def history_entry(event: ReportEvent, *, internal_view: bool, show_reporter: bool, reporter_id):
    """``event`` as a reader sees it (``internal_view``: staff; ``show_reporter``: may know
    who filed the case)."""
    plain = event.internal and not internal_view
    if event.actor.is_system:
        actor = _("System")
    elif plain or (event.actor_id == reporter_id and not show_reporter):
        actor = None
    else:
        actor = event.actor.get_full_name()
    if plain:
        comment, data = "", {}
    elif internal_view:
        comment, data = event.comment, event.data
    else:
        comment = event.comment
        data = {k: v for k, v in event.data.items() if k not in STAFF_ONLY_DATA}
    return HistoryEntry(
        event=event,
        words=step_words(event.transition, internal_view=internal_view),
        actor=actor,
        comment=comment,
        data=data,
    )


def report_history_for(*, user: User, report: Report) -> list[HistoryEntry]:
    """The case's steps, oldest first, as ``user`` may read them (one query)."""
    internal_view = sees_internal(user)
    show_reporter = may_see_reporter(user, report)
    return [
        history_entry(
            event,
            internal_view=internal_view,
            show_reporter=show_reporter,
            reporter_id=report.reporter_id,
        )
        for event in report_timeline_for(user=user, report=report)
    ]
