"""The one scoping rule: a person sees their home node's subtree and nothing else.

Every model a person can list, open, count, search, export or download has a queryset
deriving from :class:`JurisdictionQuerySet` and names the field that holds its region's
materialised path (``jurisdiction_field``). ``Model.objects.visible_to(user)`` is then the
only filter views, API views, selectors and downloads apply — there is no second rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Jurisdiction:
    """What a user may see: everything (superusers), nothing, or one subtree (``path``)."""

    everything: bool = False
    path: str | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.path is None

    def covers(self, path: str) -> bool:
        """True if a node with materialised ``path`` lies inside this jurisdiction."""
        if self.everything:
            return True
        return self.path is not None and path.startswith(self.path)


NOTHING = Jurisdiction()
EVERYTHING = Jurisdiction(everything=True)


def jurisdiction_of(user) -> Jurisdiction:
    """The subtree ``user`` may see. Inactive and anonymous users see nothing.

    A person's home node is ``user.region``. Superusers (the installation's operators) see
    every city; a system admin *role* is scoped to its city like everyone else.
    """
    if user is None or not user.is_authenticated:
        return NOTHING
    if getattr(user, "is_system", False):
        return EVERYTHING  # the product's own sweeps (never signed in, see User.objects.system)
    if not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cached = getattr(user, "_jurisdiction_cache", None)
    if cached is not None:
        return cached
    region = user.region if user.region_id else None
    result = Jurisdiction(path=region.path) if region is not None else NOTHING
    user._jurisdiction_cache = result
    return result


class JurisdictionQuerySet(models.QuerySet):
    """A queryset that knows where its rows sit in the grid.

    Subclasses set ``jurisdiction_field`` to the lookup path of a materialised region path
    (``"path"`` on regions, ``"region__path"`` on grid points, units and people).
    """

    jurisdiction_field: str = ""

    def visible_to(self, user) -> JurisdictionQuerySet:
        """Only the rows inside ``user``'s jurisdiction (see :func:`jurisdiction_of`)."""
        scope = jurisdiction_of(user)
        if scope.everything:
            return self
        if scope.nothing:
            return self.none()
        return self.filter(**{f"{self.jurisdiction_field}__startswith": scope.path})
