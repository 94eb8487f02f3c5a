"""Dispatch's deadlines as the pages show them: time left, amber at 80 % used, red overdue.

The colour comes from the one rule the API answers with too (``grid.clocks.clock_state``);
this module only puts it in words, with the note a deadline counted on assumed weekdays needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from grid.clocks import clock_state
from grid.workdays import ASSUMED_WEEKDAYS_NOTE


def local(moment: datetime | None) -> str:
    """A moment as the pages write it (``Y-m-d H:i``, the city's time)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class DueClock:
    """One deadline as a page shows it: ``state`` (ok, amber, red, done or paused, a CSS
    class), the words, the deadline itself and the weekdays note where it applies."""

    label: str  # what is due ("Reply due"), may be ""
    state: str
    text: str
    due: str
    note: str  # ASSUMED_WEEKDAYS_NOTE, or ""

    @property
    def title(self) -> str:
        return _("Due %(due)s") % {"due": self.due}


def due_clock(
    *,
    start: datetime,
    due: datetime,
    now: datetime,
    label: str = "",
    assumed: bool = False,
    done: bool = False,
    done_text: str = "",
    paused: bool = False,
) -> DueClock:
    """The clock from ``start`` to ``due`` at ``now``: time left, or how long overdue.

    ``done``: the deadline was met (``done_text`` says how); ``paused``: nothing runs while
    someone else has the case (the reply awaits review)."""
    note = str(ASSUMED_WEEKDAYS_NOTE) if assumed else ""
    if done:
        return DueClock(label, "done", done_text or _("Done"), local(due), note)
    if paused:
        text = _("Paused while the reply awaits review")
        return DueClock(label, "paused", text, local(due), note)
    state = clock_state(start=start, due=due, now=now)
    if state == "red":
        text = _("Overdue by %(time)s") % {"time": timesince(due, now)}
    else:
        text = _("%(time)s left") % {"time": timeuntil(due, now)}
    return DueClock(label, state, text, local(due), note)


def age(since: datetime | None, *, now: datetime) -> str:
    """How long ago ``since`` was, in words ("3 hours"), "" if unknown."""
    return timesince(since, now) if since is not None else ""
