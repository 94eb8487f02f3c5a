"""A case's history as one person may read it: the same entries for the page and the API.

Staff read every step with its comment and details. People of grid points (who see only what
they filed) read the city's routing steps in plain words, without who did them, comments or
details, and never the triage notes. Nobody learns who filed a case unless they must
(:func:`reports.rules.may_see_reporter`). What the product did by itself reads "System".
A step that concerns another case (filed as its likely duplicate, rejected as its duplicate)
names it only to readers who may see it (:func:`reports.rules.related_case`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from grid.models import User
from reports.models import Report, ReportEvent
from reports.rules import RelatedCase, may_see_reporter, sees_internal
from reports.selectors import related_cases_of, report_timeline_for
from reports.workflow import step_words

# Steps that concern another case: the report's field that points to it (also the key of its
# number in the step's data) and the key that says it lies elsewhere. Never read as stored
# (older steps kept the other case's id): each reader reads what they may know of the case
# the report points to, its number, or for staff ``elsewhere: true`` outside their reach.
CASE_STEPS = {
    "submit": ("likely_duplicate_of", "likely_duplicate_elsewhere"),
    "reject": ("duplicate_of", "duplicate_elsewhere"),
}
CASE_DATA = frozenset(key for keys in CASE_STEPS.values() for key in keys)


@dataclass(frozen=True)
class HistoryEntry:
    """One step as the reader may see it."""

    event: ReportEvent
    words: str  # what the step is called, for this reader
    actor: str | None  # who did it; None where the reader may not know
    comment: str
    data: dict


def _other_case(data: dict, transition: str, related: dict[str, RelatedCase | None]) -> dict:
    """``data`` with what the reader may know of the other case the step concerns, if any."""
    data = {k: v for k, v in data.items() if k not in CASE_DATA}
    field, elsewhere = CASE_STEPS.get(transition, (None, None))
    case = related.get(field) if field else None
    if case is not None:
        data.update({elsewhere: True} if case.elsewhere else {field: case.number})
    return data


def history_entry(
    event: ReportEvent,
    *,
    internal_view: bool,
    show_reporter: bool,
    reporter_id,
    related: dict[str, RelatedCase | None],
):
    """``event`` as a reader sees it (``internal_view``: staff; ``show_reporter``: may know
    who filed the case; ``related``: what they may know of the cases the case points to,
    :func:`reports.selectors.related_cases_of`)."""
    plain = event.internal and not internal_view
    if event.actor.is_system:
        actor = _("System")
    elif plain or (event.actor_id == reporter_id and not show_reporter):
        actor = None
    else:
        actor = event.actor.get_full_name()
    if plain:
        comment, data = "", {}
    else:
        comment, data = event.comment, _other_case(event.data, event.transition, related)
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
    related = related_cases_of(report, user=user)
    return [
        history_entry(
            event,
            internal_view=internal_view,
            show_reporter=show_reporter,
            reporter_id=report.reporter_id,
            related=related,
        )
        for event in report_timeline_for(user=user, report=report)
    ]
