"""Reads of the ledger: the matters a person may follow, a page of them with their cases,
units and last movement in a fixed number of queries, and one matter with its history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from directives.ledger import rules
from directives.ledger.models import FollowUp, LedgerEntry, LedgerLink
from grid.models import Level, Region, User
from reports.models import ReportEvent

STATES = ("open", "closed")


def ledger_counties_for(user: User) -> QuerySet:
    """The counties whose ledger ``user`` may read (one, for a county's people)."""
    return Region.objects.visible_to(user).filter(level=Level.COUNTY).order_by("path")


def _county(user: User, county) -> Region | None:
    if county in (None, ""):
        return None
    if not str(county).isdigit() or len(str(county)) > 18:
        raise ValidationError({"county": [_("Choose one of the counties you may see.")]})
    found = ledger_counties_for(user).filter(pk=int(county)).first()
    if found is None:
        raise ValidationError({"county": [_("Choose one of the counties you may see.")]})
    return found


def ledger_for(*, user: User, state: str = "open", county=None) -> QuerySet:
    """The matters ``user`` may read, still followed (``open``) or taken off (``closed``),
    of one county if asked, newest first, each with how many cases it links and its last
    movement (the matter's own or any of its cases' latest step). Bad filters: 400."""
    if not rules.may_read(user):
        return LedgerEntry.objects.none()
    if state not in STATES:
        raise ValidationError({"state": [_("Choose open or closed.")]})
    qs = LedgerEntry.objects.visible_to(user).filter(closed_at__isnull=state == "open")
    chosen = _county(user, county)
    if chosen is not None:
        qs = qs.filter(county=chosen)
    latest_step = (
        ReportEvent.objects.filter(
            report_id__in=LedgerLink.objects.filter(entry_id=OuterRef(OuterRef("pk"))).values(
                "report_id"
            )
        )
        .order_by("-at")
        .values("at")[:1]
    )
    linked = (
        LedgerLink.objects.filter(entry_id=OuterRef("pk"))
        .order_by()
        .values("entry_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    order = ["-opened_at", "-id"] if state == "open" else ["-closed_at", "-id"]
    return (
        qs.select_related("report", "county", "opened_by", "closed_by")
        .annotate(
            case_count=Subquery(linked),
            last_movement=Greatest(F("moved_at"), Coalesce(Subquery(latest_step), F("moved_at"))),
        )
        .order_by(*order)
    )


def with_cases(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """``entries`` with their linked cases and those cases' units: one query for them all."""
    prefetch_related_objects(
        entries,
        Prefetch(
            "links",
            queryset=LedgerLink.objects.select_related(
                "report", "report__lead_unit", "report__assigned_unit"
            )
            .only(
                "entry_id",
                "kind",
                "linked_at",
                "report__id",
                "report__case_number",
                "report__status",
                "report__lead_unit__name",
                "report__assigned_unit__name",
            )
            .order_by("linked_at", "id"),
        ),
    )
    return entries


def units_of(entry: LedgerEntry) -> list[str]:
    """The units handling the matter's cases, once each, in the order they came."""
    names: list[str] = []
    for link in entry.links.all():
        for unit in (link.report.lead_unit, link.report.assigned_unit):
            if unit is not None and unit.name not in names:
                names.append(unit.name)
    return names


def ledger_entry_for(*, user: User, entry_id: int) -> LedgerEntry:
    """One matter ``user`` may read, with its cases and follow-ups (else LedgerNotFound)."""
    from directives.ledger.services import LedgerNotFound

    qs = LedgerEntry.objects.visible_to(user).select_related(
        "report", "county", "opened_by", "closed_by"
    )
    entry = qs.filter(pk=entry_id).first() if rules.may_read(user) else None
    if entry is None:
        raise LedgerNotFound(_("No such key matter in your jurisdiction."))
    with_cases([entry])
    entry.follow_up_list = list(
        FollowUp.objects.filter(entry=entry).select_related("by").order_by("at", "id")
    )
    return entry


def ledger_entries_of_case(*, report) -> list[LedgerEntry]:
    """The matters a case is linked to (on the ledger or off), newest first: one query."""
    return list(
        LedgerEntry.objects.filter(links__report=report)
        .select_related("opened_by", "closed_by")
        .order_by("-opened_at", "-id")
    )
