"""Who may do what with reports, besides the workflow's own transitions: one rule per subject.

Each function answers one question for a person (and a case, where it matters). Views, API
views, services, selectors and template tags all ask here; no other module repeats a rule.
The transitions' permissions live with the transitions (``reports.models``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grid.models import GRID_POINT_ROLES, Role

if TYPE_CHECKING:
    from grid.models import User
    from reports.models import Report

# Who has a queue page (each sees their own working set of cases).
QUEUE_ROLES = frozenset(
    {Role.COUNTY_ADMIN, Role.DUTY_OFFICER, Role.UNIT_LIAISON, Role.LEADER, Role.SYS_ADMIN}
)
# Who must be able to contact the person who filed a case.
REPORTER_VISIBLE_TO = frozenset({Role.COUNTY_ADMIN, Role.DUTY_OFFICER, Role.SYS_ADMIN})


def may_file(user: User) -> bool:
    """Informants, volunteers and grid heads of a grid point file reports; nobody else."""
    return (
        user.is_authenticated and user.role in GRID_POINT_ROLES and user.grid_point_id is not None
    )


def has_queue(user: User) -> bool:
    """County admins, units, the city platform, leaders and admins work from a case queue."""
    return user.is_authenticated and (user.is_superuser or user.role in QUEUE_ROLES)


def acts_in_bulk(user: User) -> bool:
    """Only county admins triage many cases of their queue at once."""
    return user.role == Role.COUNTY_ADMIN


def sees_internal(user: User) -> bool:
    """Staff see a case's internal steps and triage notes; people of grid points, who see
    only what they filed, see what happened in plain words without them."""
    return user.is_superuser or user.role not in GRID_POINT_ROLES


def may_see_reporter(user: User, report: Report) -> bool:
    """People who report are protected: only those who must contact them see who they are."""
    return bool(
        user.is_superuser or report.reporter_id == user.pk or user.role in REPORTER_VISIBLE_TO
    )


@dataclass(frozen=True)
class RelatedCase:
    """Another case a case points to, as one reader may know it: named (its id, for a link,
    and its number) when it lies in the reader's jurisdiction; otherwise only that it exists,
    somewhere else in the city (``elsewhere``), never its id, number or title."""

    pk: int | None = None
    number: str | None = None

    @property
    def elsewhere(self) -> bool:
        return self.pk is None


def related_case(
    user: User, *, pk: int | None, triage: bool, number_if_visible: Callable[[], str | None]
) -> RelatedCase | None:
    """What ``user`` learns of another case a case points to (None: nothing at all).

    ``pk``: that case's id, None if there is none; ``number_if_visible()``: its number if
    ``user`` may see it (``Report.objects.visible_to``), else None (asked only when needed). A
    case the reader may see is named; one they may not is at most "elsewhere in the city", and
    only staff (:func:`sees_internal`) are told even that. ``triage``: a hint for staff only
    (the likely duplicate): nobody else learns of it, not even of a case they may see.

    Pages, the API and the history all ask here, so no case number crosses a jurisdiction.
    """
    staff = sees_internal(user)
    if pk is None or (triage and not staff):
        return None
    number = number_if_visible()
    if number is not None:
        return RelatedCase(pk=pk, number=number)
    return RelatedCase() if staff else None
