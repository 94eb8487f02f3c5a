"""Who dispatch tells, and the kinds of notification it sends (one declaration each, declared
with notifications' registry at start-up: :func:`register_kinds`).

Rows are written in the caller's transaction (:mod:`notifications.services`: the outbox), so a
notification commits or rolls back with the step it announces. Urgent kinds (a major case, a
supervision notice) go out at once on every channel a person has, never in a digest. They are
worded like the case's own steps (``templates/notifications/report-subject.txt``, ``-body.txt``:
"Case YZ-…: <what happened>.").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grid.models import Level, Region, Role, User
from notifications.services import Message, notify, notify_many, notify_where
from reports.models import Report


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification dispatch sends: its name, its words, whether it is urgent."""

    name: str
    label: Promise
    urgent: bool = False


KINDS: dict[str, NotificationKind] = {
    k.name: k
    for k in (
        NotificationKind("dispatch_co_routed", _("Case routed to your unit to co-handle")),
        NotificationKind("dispatch_major_case", _("Major case routed"), urgent=True),
        NotificationKind("dispatch_claimed", _("Case claimed by a unit")),
        NotificationKind("dispatch_input", _("A co-handling unit gave its input")),
        NotificationKind("dispatch_reply_submitted", _("A reply awaits review")),
        NotificationKind("dispatch_reply_approved", _("Reply approved and published")),
        NotificationKind("dispatch_reply_sent_back", _("Reply sent back for revision")),
        NotificationKind("dispatch_extension_requested", _("Extension requested")),
        NotificationKind("dispatch_extension_decided", _("Extension decided")),
        NotificationKind("dispatch_promise", _("Completion promised")),
        NotificationKind("dispatch_explanation", _("Written explanation received")),
        NotificationKind("dispatch_remind", _("Deadline approaching")),
        NotificationKind("dispatch_urge", _("Deadline passed: urging")),
        NotificationKind("dispatch_supervision", _("Supervision notice issued"), urgent=True),
    )
}


TEMPLATE = "notifications/report"  # reports' words for a step of a case


def register_kinds() -> None:
    """Declare every kind dispatch sends (called from ``DispatchConfig.ready()``)."""
    from notifications.kinds import Kind, register_kind

    for kind in KINDS.values():
        register_kind(Kind(kind.name, kind.label, urgent=kind.urgent, template=TEMPLATE))


def case_url(report: Report) -> str:
    return _case_url(report.pk)


def _case_url(pk: int) -> str:
    """``reverse("report-detail", args=[pk])``, the pattern resolved once, not per message."""
    global _URL_PARTS
    if _URL_PARTS is None:
        head, _sentinel, tail = reverse("report-detail", args=[987654321]).partition("987654321")
        _URL_PARTS = (head, tail)
    return f"{_URL_PARTS[0]}{pk}{_URL_PARTS[1]}"


_URL_PARTS: tuple[str, str] | None = None


def _tell(recipients, *, kind: str, report: Report, text: str = "") -> int:
    if kind not in KINDS:
        raise LookupError(f"Undeclared notification kind {kind!r}")
    return notify_where(
        recipients=recipients.filter(is_active=True),
        kind=kind,
        subject=report.case_number,
        text=text or report.title,
        url=case_url(report),
    )


def tell_units(unit_ids: Iterable[int], *, kind: str, report: Report, text: str = "") -> int:
    """The liaisons of the units ``unit_ids``."""
    return _tell(
        User.objects.filter(role=Role.UNIT_LIAISON, unit_id__in=list(unit_ids)),
        kind=kind,
        report=report,
        text=text,
    )


def city_of(report: Report):
    """The case's city (a queryset of one region's pk, for subqueries)."""
    return Region.objects.filter(code=report.region_path.split("/", 1)[0]).values("pk")


def tell_duty_officers(*, kind: str, report: Report, text: str = "") -> int:
    """The duty officers of the case's city."""
    return _tell(
        User.objects.filter(role=Role.DUTY_OFFICER, region__in=city_of(report)),
        kind=kind,
        report=report,
        text=text,
    )


def city_leadership(report: Report):
    """Every city leader and duty officer of the case's city (a major case is theirs at once)."""
    return User.objects.filter(
        role__in=[Role.LEADER, Role.DUTY_OFFICER],
        region__in=city_of(report),
        region__level=Level.CITY,
        is_active=True,
    )


def tell_people(ids: Iterable[int], *, kind: str, report: Report, text: str = "") -> int:
    if kind not in KINDS:
        raise LookupError(f"Undeclared notification kind {kind!r}")
    return notify(
        recipient_ids=ids,
        kind=kind,
        subject=report.case_number,
        text=text or report.title,
        url=case_url(report),
    )


def tell_each(messages: Iterable[tuple[Iterable[int], str, Report, str]]) -> int:
    """Many messages at once, each ``(people, kind, report, text)``: one INSERT for all."""
    prepared = []
    for people, kind, report, text in messages:
        if kind not in KINDS:
            raise LookupError(f"Undeclared notification kind {kind!r}")
        prepared.append(
            Message(
                recipient_ids=people,
                kind=kind,
                subject=report.case_number,
                text=text or report.title,
                url=case_url(report),
            )
        )
    return notify_many(messages=prepared)
