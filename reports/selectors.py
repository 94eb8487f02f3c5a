"""Reads on reports: every one starts from ``Report.objects.visible_to(user)``.

Pages and API views call these; they never build report querysets of their own, so the
scoping rule and the query count (constant per page, pinned by tests) live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery, prefetch_related_objects

from grid.clocks import clock_state as grid_clock_state
from grid.models import Role, Unit, User
from reports.filters import DEFAULT_SORT, SORTS, ReportFilter
from reports.models import (
    OPEN_STATUSES,
    Report,
    ReportAmendment,
    ReportAttachment,
    ReportEvent,
    Status,
)
from reports.rules import RelatedCase, may_file, related_case


def report_list_for(*, user: User, filters: ReportFilter | None = None) -> QuerySet:
    """Every report ``user`` may see, narrowed by ``filters`` (validated), newest first.

    With the places and units list rows show (``select_related``); callers pick the columns
    their rows read with ``.only()``.
    """
    qs = Report.objects.visible_to(user).order_by(*SORTS[DEFAULT_SORT])
    if filters is not None:
        qs = filters.filter_queryset(qs)
    return qs.select_related("region", "assigned_unit", "lead_unit")


# What each role's queue holds when no status is asked for: the cases waiting on them.
WORKING_STATUSES = {
    Role.COUNTY_ADMIN: [Status.SUBMITTED, Status.RETURNED, Status.LOCAL_HANDLING],
    Role.DUTY_OFFICER: [Status.ESCALATED, Status.ROUTED],
    Role.UNIT_LIAISON: [Status.LOCAL_HANDLING, Status.ROUTED],
}


def working_statuses(user: User) -> list[str]:
    """The statuses of ``user``'s working set (every open status for overseers)."""
    return WORKING_STATUSES.get(user.role, OPEN_STATUSES)


def report_queue_for(*, user: User, filters: ReportFilter | None = None) -> QuerySet:
    """A role's queue: the county admin's county, the duty officer's escalations, a unit's cases.

    With no status filter it shows the role's working set (see ``WORKING_STATUSES``); the
    ``status`` filter widens or narrows it.
    """
    qs = report_list_for(user=user, filters=filters)
    if user.role == Role.COUNTY_ADMIN:
        qs = qs.filter(county_id=user.region_id)
    if filters is None or not filters.statuses:
        qs = qs.filter(status__in=working_statuses(user))
    return qs


@dataclass
class Worklist:
    """The head of a person's work list for the home page, with its totals."""

    kind: str  # "mine" (reports I filed) or "queue" (cases waiting on me)
    rows: list[Report]
    total: int
    overdue: int = 0


def report_worklist_for(*, user: User, now: datetime, limit: int = 6) -> Worklist:
    """What the home page lists: the newest of one's own reports, or the head of one's queue.

    Three queries whatever the size: the rows, the count and the overdue count.
    """
    if may_file(user):
        qs = report_list_for(user=user).filter(reporter=user)
        return Worklist(kind="mine", rows=list(qs[:limit]), total=qs.count())
    qs = report_queue_for(user=user)
    overdue = qs.filter(disposal_reported_at__isnull=True, disposal_due_at__lt=now).count()
    return Worklist(kind="queue", rows=list(qs[:limit]), total=qs.count(), overdue=overdue)


# The other cases a case points to: its field -> whether it is a triage hint (staff only).
RELATED_CASES = {"likely_duplicate_of": True, "duplicate_of": False}


def with_related_numbers(qs: QuerySet, *, user: User, fields=tuple(RELATED_CASES)) -> QuerySet:
    """``qs`` with ``<field>_number`` on each row: the number of the case ``field`` points to
    if ``user`` may see it, else None. Read in the rows' own query (a scoped subquery), so a
    list shows the hints of its rows at no query of their own."""
    return qs.annotate(
        **{
            f"{field}_number": Subquery(
                Report.objects.visible_to(user)
                .filter(pk=OuterRef(f"{field}_id"))
                .values("case_number")[:1]
            )
            for field in fields
        }
    )


def related_case_of(report: Report, field: str, *, user: User) -> RelatedCase | None:
    """What ``user`` learns of the case ``report.<field>`` points to (:func:`reports.rules.
    related_case`): from the number :func:`with_related_numbers` read with the row, else one
    query, asked only if the rule needs it."""
    pk = getattr(report, f"{field}_id")

    def number_if_visible() -> str | None:
        annotated = f"{field}_number"
        if annotated in report.__dict__:
            return report.__dict__[annotated]
        visible = Report.objects.visible_to(user).filter(pk=pk)
        return visible.values_list("case_number", flat=True).first()

    return related_case(
        user, pk=pk, triage=RELATED_CASES[field], number_if_visible=number_if_visible
    )


def related_cases_of(report: Report, *, user: User) -> dict[str, RelatedCase | None]:
    """Every case ``report`` points to (its field -> :func:`related_case_of`), as ``user``
    learns of it: what the case page, its API answer and its history show."""
    return {field: related_case_of(report, field, user=user) for field in RELATED_CASES}


def report_merged_into(*, user: User, report: Report) -> list[Report]:
    """Cases rejected as duplicates of ``report`` that ``user`` may see, with their reporters.

    Merging keeps every reporter credited: the original case lists who else reported it.
    No query for a case from :func:`report_detail_for` that has none.
    """
    if getattr(report, "has_duplicates", True) is False:
        return []
    return list(
        Report.objects.visible_to(user)
        .filter(duplicate_of=report)
        .select_related("reporter", "region")
        .order_by("created_at", "id")
    )


def report_amendments_for(*, report: Report) -> list[ReportAmendment]:
    """Corrections recorded beside the case's original text, oldest first, with who made them.

    No query for a case from :func:`report_detail_for` that has none.
    """
    if getattr(report, "has_amendments", True) is False:
        return []
    return list(report.amendments.select_related("actor").order_by("at", "id"))


def report_detail_for(*, user: User, report_id: int, flags: dict | None = None) -> Report:
    """One case, if ``user`` may see it (else Report.DoesNotExist → 404).

    Loaded with its places, people, units, source links and the numbers of the cases it
    points to that ``user`` may see (:func:`with_related_numbers`); attachments, corrections and
    merged duplicates are read only where the case has any (most have none), which the one
    query for the case tells by ``EXISTS``; ``flags``: more such annotations (the case page's,
    :func:`reports.case_panels.case_flags`).
    """
    report = (
        with_related_numbers(Report.objects.visible_to(user), user=user)
        .select_related(
            "region",
            "county",
            "reporter",
            "assigned_unit",
            "lead_unit",
        )
        .annotate(
            has_attachments=Exists(ReportAttachment.objects.filter(report=OuterRef("pk"))),
            has_amendments=Exists(ReportAmendment.objects.filter(report=OuterRef("pk"))),
            has_duplicates=Exists(Report.objects.filter(duplicate_of=OuterRef("pk"))),
            **(flags or {}),
        )
        .get(pk=report_id)
    )
    if report.has_attachments:
        prefetch_related_objects([report], "sources", "attachments")
    else:
        prefetch_related_objects([report], "sources")
        preload_related(report, attachments=[])
    return report


def preload_related(report: Report, **related: list) -> None:
    """Fill ``report``'s related managers as ``prefetch_related`` would, from rows in hand."""
    cache = report.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(report, name).get_queryset()
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset


def report_attachment_for(*, user: User, report_id: int, number: int) -> ReportAttachment | None:
    """Attachment ``number`` of a case ``user`` may see (None otherwise): one query."""
    visible = Report.objects.visible_to(user).filter(pk=report_id).values("pk")
    return (
        ReportAttachment.objects.filter(report__in=visible, number=number)
        .only("report_id", "number", "file", "original_name", "content_type")
        .first()
    )


def report_timeline_for(*, user: User, report: Report) -> QuerySet:
    """The case's steps with who took them, oldest first (``report`` is one ``user`` may see).

    What each reader may read of them is :func:`reports.history.report_history_for`'s.
    """
    return ReportEvent.objects.filter(report=report).select_related("actor").order_by("at", "id")


def report_available_transitions(*, user: User, report: Report) -> list[str]:
    """Names of the transitions ``user`` may apply now: what forms and the API offer."""
    return [t.name for t in report.get_available_user_status_transitions(user)]


def units_assignable_by(user: User) -> QuerySet:
    """Units a county admin may hand cases to in bulk: townships and departments in reach."""
    return (
        Unit.objects.visible_to(user)
        .filter(kind__in=["township", "department"], is_active=True)
        .order_by("kind", "name")
    )


def report_assignable_units(*, report: Report) -> QuerySet:
    """Units a county admin may assign the case to: townships and departments of its county."""
    return (
        Unit.objects.filter(region__path__startswith=report.county.path, is_active=True)
        .filter(kind__in=["township", "department"])
        .order_by("kind", "name")
    )


def report_routable_units(*, report: Report) -> QuerySet:
    """Units a duty officer may route to: any unit whose area covers the case's place."""
    ancestors = report.region_path.rstrip("/").split("/")
    return Unit.objects.filter(region__code__in=ancestors, is_active=True).order_by("kind", "name")


# The disposal clock is amber in its last quarter (its 24 hours are short).
DISPOSAL_AMBER_AT = 0.75


def clock_state(report: Report, *, now: datetime) -> str:
    """``ok``, ``amber`` (last quarter of the disposal window) or ``red`` (overdue)."""
    return clock_state_at(
        due=report.disposal_due_at,
        discovered=report.discovered_at,
        reported=report.disposal_reported_at,
        now=now,
    )


def clock_state_at(
    *, due: datetime, discovered: datetime, reported: datetime | None, now: datetime
) -> str:
    """:func:`clock_state` from the three times it depends on (for rows read as values)."""
    return grid_clock_state(
        start=discovered,
        due=due,
        now=now,
        done=reported is not None,
        amber_at=DISPOSAL_AMBER_AT,
    )
