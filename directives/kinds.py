"""What directives declares to the apps below it, from :meth:`DirectivesConfig.ready`.

- Two kinds of expected submission (:mod:`duty.kinds`): a node's acknowledgement and its
  completion report of a notice. Their rows are created when the notice is issued (one
  INSERT per table, :func:`directives.services.notice_issue`), each with the notice's own
  deadline, so the kinds have no periods of their own to create; the duty sweep marks the
  late ones missed at the deadline and tells the score events.
- The notifications it sends (:mod:`notifications.kinds`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from duty.kinds import Owed, SubmissionKind, register_submission_kind
from notifications.kinds import Kind, register_kind

NOTICE_ACK = "notice_ack"
NOTICE_REPORT = "notice_report"

NOTICE_ISSUED = "notice_issued"
NOTICE_REMINDER = "notice_reminder"
TEMPLATE = "notifications/notice"


def _no_periods(now: datetime) -> list[date]:
    return []  # created with the notice, never by the catch-up


def _nobody(period: date) -> Iterable[Owed]:
    return ()  # a node the notice was not sent to owes nothing


def _undefined_due(period: date) -> datetime:
    raise LookupError("a notice's deadline is its own, stored on each row")


def register() -> None:
    """Declare the submission and notification kinds (idempotent)."""
    register_submission_kind(
        SubmissionKind(
            name=NOTICE_ACK,
            label=_("Notice acknowledgement"),
            due_at=_undefined_due,
            owed_by=_nobody,
            periods=_no_periods,
            missed_event="notice_ack_missed",
            late_event="notice_ack_late",
        )
    )
    register_submission_kind(
        SubmissionKind(
            name=NOTICE_REPORT,
            label=_("Notice completion report"),
            due_at=_undefined_due,
            owed_by=_nobody,
            periods=_no_periods,
            missed_event="notice_report_missed",
            late_event="notice_report_late",
        )
    )
    register_kind(Kind(NOTICE_ISSUED, _("New notice"), template=TEMPLATE))
    register_kind(Kind(NOTICE_REMINDER, _("Notice reminder"), urgent=True, template=TEMPLATE))
