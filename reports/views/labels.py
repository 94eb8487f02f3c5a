"""Plain words for states and clocks, as the people using the pages say them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from grid.models import Role
from reports.hooks import queue_page_of
from reports.models import Status
from reports.selectors import clock_state

# What a case's state means to the person who filed it ("在县级处置").
PLAIN_STATUS = {
    Status.SUBMITTED: _("Waiting for county review"),
    Status.RETURNED: _("Returned for more information"),
    Status.LOCAL_HANDLING: _("Being handled in the county"),
    Status.ESCALATED: _("Sent to the city platform"),
    Status.ROUTED: _("Being handled by the responsible unit"),
    Status.CLOSED: _("Handled and closed"),
    Status.REJECTED: _("Not taken up"),
}


def plain_status(status: str) -> str:
    """The plain words for a status value (the value itself if unknown)."""
    return str(PLAIN_STATUS.get(status, status))


# What each role calls its queue page.
QUEUE_TITLES = {
    Role.COUNTY_ADMIN: _("County queue"),
    Role.DUTY_OFFICER: _("City duty queue"),
    Role.UNIT_LIAISON: _("Cases for my unit"),
}


def queue_title(user) -> str:
    """The name of ``user``'s queue page ("Cases" for leaders and admins, who oversee); a
    page that stands in for the queue names itself (reports.hooks.register_queue_page)."""
    page = queue_page_of(user.role)
    if page is not None:
        return str(page.title)
    return str(QUEUE_TITLES.get(user.role, _("Cases")))


def queue_url(user) -> str:
    """Where ``user``'s queue is: reports' own, or the page that stands in for it."""
    page = queue_page_of(user.role)
    return reverse(page.url_name if page is not None else "report-queue")


@dataclass(frozen=True)
class Clock:
    """A case's disposal clock as pages show it: the state (a CSS class), words, a tooltip."""

    state: str  # ok, amber, red or done (see reports.selectors.clock_state)
    text: str
    title: str


def clock_for(report, *, now: datetime, long: bool = False) -> Clock:
    """The clock of ``report`` at ``now``; ``long`` says "… since discovery" in full."""
    state = clock_state(report, now=now)
    due = timezone.localtime(report.disposal_due_at).strftime("%Y-%m-%d %H:%M")  # |date:"Y-m-d H:i"
    title = _("Disposal status due %(due)s") % {"due": due}
    if state == "done":
        return Clock(state, str(_("Disposal reported")), title)
    since = timesince(report.discovered_at, now)
    text = _("%(time)s since discovery") % {"time": since} if long else since
    # Words in an f-string escape makemessages: name them first.
    if state == "red":
        word = _("Overdue")
        text = f"{word} · {text}"
    elif state == "amber":
        word = _("Due soon")
        text = f"{word} · {text}"
    return Clock(state, text, title)
