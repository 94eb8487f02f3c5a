"""Reports (网情): the case, its workflow and what hangs off it.

``report`` holds the case and its pure django-fsm transitions, ``related`` its source links,
attachments, history and corrections, ``choices`` the value sets.
"""

from reports.models.choices import (
    OPEN_STATUSES,
    AnswerChannel,
    Category,
    Grade,
    RejectKind,
    Satisfaction,
    SourcePlatform,
    Status,
)
from reports.models.related import (
    MAX_SOURCE_URLS,
    CaseCounter,
    ReportAmendment,
    ReportAttachment,
    ReportEvent,
    ReportSource,
    attachment_path,
)
from reports.models.report import MAX_IDEMPOTENCY_KEY, Report, ReportQuerySet

__all__ = [
    "MAX_IDEMPOTENCY_KEY",
    "MAX_SOURCE_URLS",
    "OPEN_STATUSES",
    "AnswerChannel",
    "CaseCounter",
    "Category",
    "Grade",
    "RejectKind",
    "Report",
    "ReportAmendment",
    "ReportAttachment",
    "ReportEvent",
    "ReportQuerySet",
    "ReportSource",
    "Satisfaction",
    "SourcePlatform",
    "Status",
    "attachment_path",
]
