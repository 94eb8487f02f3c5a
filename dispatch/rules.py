"""Who may do what in dispatch: one rule per question, asked by services, selectors and views.

The routing's units act through their liaisons: a unit liaison acts for the unit they belong
to, when that unit is one of the routing's handlers (lead or co-handling). Duty officers of the
case's city review replies and decide extensions; city leaders and duty officers acknowledge
major cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from grid.models import Level, Role
from reports.models.report import is_duty_officer_for

if TYPE_CHECKING:
    from dispatch.models import Handler
    from grid.models import User
    from reports.models import Report

__all__ = [
    "handler_of",
    "is_city_leadership",
    "is_duty_officer_for",
    "is_liaison",
]


def is_liaison(user: User) -> bool:
    return user.role == Role.UNIT_LIAISON and user.unit_id is not None


def handler_of(handlers: Iterable[Handler], user: User) -> Handler | None:
    """The handler row of ``user``'s unit among ``handlers`` (None: not one of them)."""
    if not is_liaison(user):
        return None
    return next((h for h in handlers if h.unit_id == user.unit_id), None)


def is_city_leadership(user: User, report: Report) -> bool:
    """A city leader or duty officer of the case's city: told of major cases at once."""
    return (
        user.role in (Role.LEADER, Role.DUTY_OFFICER)
        and user.region_id is not None
        and user.region.level == Level.CITY
        and report.region_path.startswith(user.region.path)
    )
