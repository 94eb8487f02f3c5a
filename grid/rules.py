"""Who is shown whom: people who report are protected (domain.md, "Not built").

:func:`people_shown_to` is the one rule for what a person is shown of the other people in their
jurisdiction: their names and roles, phone numbers and login names. Selectors apply it and the
templates only print what it allows; nothing else decides.

- System admins maintain people: they see names, roles, phone numbers and login names.
- County admins and city duty officers must be able to reach people (they verify and route
  what was reported): names, roles and phone numbers.
- Leaders and unit liaisons see names and roles, to know who is where.
- People of grid points (informants, volunteers, grid point heads) and anyone else see no one
  but themselves and, at their own grid point, its person in charge (name, role, phone, so
  they can call them); the person in charge sees their point's members likewise. Nobody
  else's name, and no login names.

Counts of people are not identities and stay visible to everyone who may see the node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from grid.models import Role

if TYPE_CHECKING:
    from grid.models import GridPoint, User


@dataclass(frozen=True)
class Shown:
    """What of one person a viewer is shown."""

    name: bool = False  # the name and the role
    phone: bool = False
    username: bool = False


HIDDEN = Shown()
NAMES = Shown(name=True)
CONTACT = Shown(name=True, phone=True)
EVERYTHING = Shown(name=True, phone=True, username=True)

# Roles that see everyone of their jurisdiction, and how much.
STAFF = {
    Role.SYS_ADMIN: EVERYTHING,
    Role.COUNTY_ADMIN: CONTACT,
    Role.DUTY_OFFICER: CONTACT,
    Role.LEADER: NAMES,
    Role.UNIT_LIAISON: NAMES,
}


@dataclass(frozen=True)
class PeopleShown:
    """What ``viewer`` is shown of others: ``everyone`` (anyone of their jurisdiction), and
    ``own_point`` (the person in charge of their own grid point, or its members if they are in
    charge). Made by :func:`people_shown_to`; :meth:`of` picks which applies to a person."""

    viewer_id: int
    viewer_point_id: int | None
    everyone: Shown
    own_point: Shown

    @property
    def lists_people(self) -> bool:
        """Whether the viewer may list and search the people of an area."""
        return self.everyone.name

    def of(self, person: User, *, point: GridPoint | None = None) -> Shown:
        """What the viewer is shown of ``person`` (met as a member or the head of ``point``)."""
        if person.pk == self.viewer_id:
            return EVERYTHING
        if self.everyone.name:
            return self.everyone
        if point is not None and point.pk == self.viewer_point_id:
            if person.pk == point.head_id:
                return self.own_point
            if self.viewer_id == point.head_id and person.grid_point_id == point.pk:
                return self.own_point
        return HIDDEN


def people_shown_to(viewer: User) -> PeopleShown:
    """The rule: what ``viewer`` is shown of the people they may see (module docstring)."""
    everyone = EVERYTHING if viewer.is_superuser else STAFF.get(viewer.role, HIDDEN)
    return PeopleShown(
        viewer_id=viewer.pk,
        viewer_point_id=viewer.grid_point_id,
        everyone=everyone,
        own_point=CONTACT,
    )
