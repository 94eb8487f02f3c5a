"""Writes on the grid: moving regions, importing the grid and the working calendar, API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Case, CharField, F, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.hooks import RegionMoved, region_moved
from grid.models import (
    PARENT_LEVEL,
    ApiToken,
    CalendarDay,
    CalendarYear,
    Level,
    Region,
    User,
    password_stamps,
    region_path,
)
from grid.scoping import EVERYTHING, Jurisdiction

if TYPE_CHECKING:
    from grid.importing import ImportResult, ImportSource


@transaction.atomic
def region_set_parent(*, region: Region, parent: Region | None) -> Region:
    """Move ``region`` and its whole subtree under ``parent``.

    Every ``path`` in the subtree (and the region's own ``parent``) is rewritten by one UPDATE,
    so scoping of everything below the region follows the move at once. Then the hooks
    registered in :mod:`grid.hooks` carry what other apps store of the subtree (cases' paths and
    counties), in the same transaction: if one fails, nothing moved.
    """
    expected = PARENT_LEVEL.get(Level(region.level))
    if expected is None:
        if parent is not None:
            raise ValidationError(_("A city has no parent."))
    elif parent is None or parent.level != expected:
        raise ValidationError(
            _("The parent of a %(level)s must be a %(parent)s.")
            % {"level": Level(region.level).label, "parent": expected.label}
        )
    # Read both paths fresh: an earlier move may have changed them since they were loaded.
    fresh = {
        pk: (path, grandparent_id)
        for pk, path, grandparent_id in Region.objects.filter(
            pk__in=[region.pk, parent.pk if parent else region.pk]
        ).values_list("pk", "path", "parent_id")
    }
    old_path = fresh[region.pk][0]
    parent_path = fresh[parent.pk][0] if parent is not None else ""
    if parent_path.startswith(old_path):
        raise ValidationError(_("A region cannot be moved below itself."))
    new_path = region_path(parent_path, region.code)
    parent_id = parent.pk if parent is not None else None
    Region.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()),
        parent=Case(
            When(pk=region.pk, then=Value(parent_id)),
            default=F("parent"),
            output_field=BigIntegerField(),
        ),
    )
    region.parent = parent
    region.path = new_path
    # The county the subtree now belongs to: the new parent (a township moved) or the new
    # parent's parent (a village moved); a county keeps being its own county.
    level = Level(region.level)
    county_id = None
    if level == Level.TOWNSHIP:
        county_id = parent_id
    elif level == Level.VILLAGE:
        county_id = fresh[parent_id][1]
    region_moved(
        RegionMoved(region=region, old_path=old_path, new_path=new_path, county_id=county_id)
    )
    return region


def grid_import(
    *,
    sources: Iterable[ImportSource],
    dry_run: bool = False,
    scope: Jurisdiction = EVERYTHING,
) -> ImportResult:
    """Import regions, grid points, units and people from CSV/XLSX files, all or nothing.

    Every bad row is reported and nothing is written if there is any; re-importing the same
    files writes nothing. ``scope`` limits what may be created or changed (a system admin's
    city); the command line imports with no limit. See :mod:`grid.importing`.
    """
    from grid import importing  # importing uses region_set_parent from this module

    return importing.run_import(sources=list(sources), dry_run=dry_run, scope=scope)


# --- the working calendar -------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarImported:
    """What an import of a year's schedule did."""

    year: int
    created: int
    updated: int
    unchanged: int


def calendar_import(
    *, data: bytes, source: str, year: int | None = None, now: datetime | None = None
) -> CalendarImported:
    """Import a year's holiday schedule from CSV (``date,kind,name``) and record the year as
    known, so its deadlines are counted on it (no longer Monday to Friday only).

    All or nothing: any bad row raises ``ValidationError`` listing every problem by line, and
    nothing is written. Days already in the table are updated in place, by date; days of the
    table the file does not list are kept (delete them in the admin). ``year`` is the year the
    file publishes, else the year most of its days fall in. See :mod:`grid.importing.calendar`.
    """
    from grid.importing.calendar import read_calendar

    now = now or timezone.now()
    read = read_calendar(data, year=year)
    if read.errors:
        raise ValidationError(read.errors)
    existing = {
        day.date: (day.kind, day.name)
        for day in CalendarDay.objects.filter(date__in=[day.date for day in read.days])
    }
    changed = [day for day in read.days if existing.get(day.date) != (day.kind, day.name)]
    with transaction.atomic():
        if changed:
            # One statement, new and changed days alike: an import racing another is safe.
            CalendarDay.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["date"],
                update_fields=["kind", "name"],
            )
        CalendarYear.objects.update_or_create(
            year=read.year,
            defaults={
                "source": source[: CalendarYear._meta.get_field("source").max_length],
                "imported_at": now,
            },
        )
    created = sum(1 for day in changed if day.date not in existing)
    return CalendarImported(
        year=read.year,
        created=created,
        updated=len(changed) - created,
        unchanged=len(read.days) - len(changed),
    )


# --- API tokens ---------------------------------------------------------------------------


class ApiTokenNotFound(ObjectDoesNotExist):
    """No such token among the person's own (someone else's looks the same): 404."""


def api_token_create(
    *, user: User, label: str = "", now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid ``GRID_TOKEN_DAYS``; returns it and its key.

    The key is returned only here (the table keeps its hash): show it once. The person's
    tokens that have ended (expired, or made before their password last changed) are deleted
    on the way, so their list holds only tokens that still work.
    """
    now = now or timezone.now()
    api_tokens_prune(user=user, now=now)
    key = secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        user_hash=user.get_session_auth_hash(),
        label=label[: ApiToken._meta.get_field("label").max_length],
        created_at=now,
        expires_at=now + timedelta(days=settings.GRID_TOKEN_DAYS),
    )
    return token, key


def api_tokens_prune(*, user: User, now: datetime) -> int:
    """Delete ``user``'s tokens that no longer work; the number deleted."""
    ended = ApiToken.objects.filter(user=user).exclude(
        expires_at__gt=now, user_hash__in=password_stamps(user)
    )
    deleted, _rows = ended.delete()
    return deleted


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of ``user``'s own tokens; another person's token is "not found"."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ApiTokenNotFound


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` (log-out); the number revoked."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted
