"""Who may do what in a consultation, and whom it lets read the case: said once, here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grid.models import Role, Unit, User
from grid.scoping import jurisdiction_of
from reports.models import Report, Status
from reports.rules import sees_internal

# A consultation is asked for before routing: while the case waits in the city's queue.
OPENS_IN = (Status.ESCALATED,)


def may_run(user: User, report: Report) -> bool:
    """Open and conclude a consultation: a city duty officer whose jurisdiction holds the case."""
    return (
        user.is_active
        and user.role == Role.DUTY_OFFICER
        and jurisdiction_of(user).covers(report.region_path)
    )


def may_read(user: User) -> bool:
    """Staff who see the case read its consultations (never people of grid points)."""
    return sees_internal(user)


def invitable_units(report: Report) -> QuerySet:
    """Units whose liaisons may be asked: those whose area holds the case's place (their
    jurisdiction covers it, so the visibility grant stays inside it)."""
    ancestors = report.region_path.rstrip("/").split("/")
    return Unit.objects.filter(region__code__in=ancestors, is_active=True).order_by("kind", "name")


def invitable_leaders(report: Report) -> QuerySet:
    """Leaders who may be asked: those whose area holds the case (the city's, its county's)."""
    return (
        User.objects.filter(role=Role.LEADER, is_active=True)
        .filter(region__path__in=_ancestor_paths(report))
        .order_by("region__path", "name", "pk")
    )


def _ancestor_paths(report: Report) -> list[str]:
    parts = report.region_path.rstrip("/").split("/")
    return ["".join(f"{code}/" for code in parts[: i + 1]) for i in range(len(parts))]


def consulted_cases(user: User) -> Q | None:
    """reports' visibility hook: the cases a liaison's unit is consulted on, while the
    consultation is open (concluded, the grant is gone)."""
    from directives.consultations.models import Invitee

    if user.role != Role.UNIT_LIAISON or user.unit_id is None:
        return None
    return Q(pk__in=Invitee.objects.filter(unit_id=user.unit_id, is_open=True).values("report_id"))
