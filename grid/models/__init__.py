"""The four-tier grid: regions, grid information points, handling units and people; and, in
:mod:`grid.models.calendar`, deadlines as data (the working calendar, the clock rules).

Why a materialised path for the region tree
-------------------------------------------
The tree is shallow (city → county → township → village: four levels), wide (15,000
villages at province scale) and read far more often than it changes: every list, count,
search, export and download in the product filters by "inside this node's subtree". With a
materialised path the subtree of a node is one indexed prefix scan
(``path LIKE '321003000000/%'``) on any database, it needs no recursive CTE, no extension
(Postgres ltree would tie the tests to PostgreSQL; SQLite must work too) and no extra
library (treebeard's MP_Node wants to own inserts, which fights the bulk loads used for
province-scale data). Each path segment is a region's division code followed by ``/``, so a
prefix never matches a sibling whose code merely starts with the same digits. Moving a
node rewrites its subtree's paths in one UPDATE (:func:`grid.services.region_set_parent`).
Denormalised copies of the path (on cases, later) are what keep the hot queries join-free.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.models.calendar import (  # noqa: F401 (the package's models, re-exported)
    CalendarDay,
    CalendarKind,
    CalendarYear,
    Clock,
    ClockRule,
    TimeUnit,
)
from grid.scoping import JurisdictionQuerySet


class Level(models.TextChoices):
    """The four tiers of the grid, top to bottom."""

    CITY = "city", _("City")
    COUNTY = "county", _("County")  # county, district, county-level city or function zone
    TOWNSHIP = "township", _("Township")  # town, xiang or street office
    VILLAGE = "village", _("Village")  # village or urban community


LEVEL_DEPTH = {Level.CITY: 0, Level.COUNTY: 1, Level.TOWNSHIP: 2, Level.VILLAGE: 3}
PARENT_LEVEL = {
    Level.COUNTY: Level.CITY,
    Level.TOWNSHIP: Level.COUNTY,
    Level.VILLAGE: Level.TOWNSHIP,
}


class RegionKind(models.TextChoices):
    """The administrative kind of a region; a function zone behaves as a county."""

    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    COUNTY_CITY = "county_city", _("County-level city")
    FUNCTION_ZONE = "function_zone", _("Function zone")
    TOWN = "town", _("Town")
    XIANG = "xiang", _("Xiang (rural township)")
    SUBDISTRICT = "subdistrict", _("Street office")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")


KINDS_BY_LEVEL = {
    Level.CITY: {RegionKind.CITY},
    Level.COUNTY: {
        RegionKind.DISTRICT,
        RegionKind.COUNTY,
        RegionKind.COUNTY_CITY,
        RegionKind.FUNCTION_ZONE,
    },
    Level.TOWNSHIP: {RegionKind.TOWN, RegionKind.XIANG, RegionKind.SUBDISTRICT},
    Level.VILLAGE: {RegionKind.VILLAGE, RegionKind.COMMUNITY},
}
DEFAULT_KIND = {
    Level.CITY: RegionKind.CITY,
    Level.COUNTY: RegionKind.COUNTY,
    Level.TOWNSHIP: RegionKind.TOWN,
    Level.VILLAGE: RegionKind.VILLAGE,
}


def region_path(parent_path: str, code: str) -> str:
    """The materialised path of a region with ``code`` under a parent with ``parent_path``."""
    return f"{parent_path}{code}/"


class RegionQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "path"

    def subtree(self, region: Region) -> RegionQuerySet:
        """The region and everything below it."""
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """A node of the grid: a city, county, township or village, identified by its division code."""

    code = models.CharField(_("division code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Ancestors' codes and our own, each followed by "/": see the module docstring.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern opclass whatever the collation.
            models.Index(
                fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="region_children"),
            models.Index(fields=["level", "path"], name="region_level_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=Level.CITY, parent__isnull=True)
                | (~Q(level=Level.CITY) & Q(parent__isnull=False)),
                name="region_only_cities_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[Level(self.level)]

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to this region's parent."""
        return self.path.rstrip("/").split("/")[:-1]

    def is_within(self, other: Region) -> bool:
        """True if this region is ``other`` or lies below it."""
        return self.path.startswith(other.path)


class GridPointQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region__path"


class GridPoint(models.Model):
    """A grid information point (网情网格信息点) at a township or village, with its people."""

    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="grid_point"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_grid_points",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = GridPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid point")
        verbose_name_plural = _("grid points")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    """What sort of handling unit this is."""

    DEPARTMENT = "department", _("Department")
    TOWNSHIP = "township", _("Township government")
    EMERGENCY = "emergency", _("Emergency command centre")
    PLATFORM = "platform", _("Sentiment platform")  # 网信办 at city or county level


class UnitQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region__path"


class Unit(models.Model):
    """A handling unit (承办单位): a city or county department, a township, the emergency centre."""

    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    remit = models.TextField(_("remit"), blank=True, help_text=_("Subjects this unit answers for."))
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["region__path", "code"]
        indexes = [models.Index(fields=["region", "kind"], name="unit_region_kind")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person does in the product; it decides their home page and their permissions."""

    INFORMANT = "informant", _("Informant")
    VOLUNTEER = "volunteer", _("Volunteer")
    GRID_HEAD = "grid_head", _("Grid point head")
    COUNTY_ADMIN = "county_admin", _("County admin")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")
    DUTY_OFFICER = "duty_officer", _("City duty officer")
    LEADER = "leader", _("Leader")
    SYS_ADMIN = "sys_admin", _("System admin")


GRID_POINT_ROLES = {Role.INFORMANT, Role.VOLUNTEER, Role.GRID_HEAD}
# The level a person's home node must have, where the role fixes it.
ROLE_LEVELS = {
    Role.COUNTY_ADMIN: {Level.COUNTY},
    Role.DUTY_OFFICER: {Level.CITY},
    Role.SYS_ADMIN: {Level.CITY},
    Role.LEADER: {Level.CITY, Level.COUNTY},
    Role.INFORMANT: {Level.TOWNSHIP, Level.VILLAGE},
    Role.VOLUNTEER: {Level.TOWNSHIP, Level.VILLAGE},
    Role.GRID_HEAD: {Level.TOWNSHIP, Level.VILLAGE},
}


class UserQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region__path"


# Not a valid login name (":"), so no person can ever hold it.
SYSTEM_USERNAME = "system:product"


class GridUserManager(UserManager.from_queryset(UserQuerySet)):
    def system(self) -> User:
        """The product itself, the actor of what sweeps, reminders and automatic steps do.

        It cannot sign in (inactive, no usable password) and sees the whole installation.
        """
        user, _created = self.get_or_create(
            is_system=True,
            defaults={
                "username": SYSTEM_USERNAME,
                "is_active": False,
                "name": "system",
                "password": "!",  # never usable
            },
        )
        return user


class User(AbstractUser):
    """A person: one role and one home node; they see that node's subtree and nothing else.

    Chinese names are not split into first and last, so ``name`` replaces both.
    """

    first_name = None
    last_name = None
    name = models.CharField(_("name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("home node"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    grid_point = models.ForeignKey(
        GridPoint,
        verbose_name=_("grid point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
    )
    # The product itself, acting in sweeps and reminders: never signs in, sees everything.
    is_system = models.BooleanField(_("system actor"), default=False, editable=False)

    objects = GridUserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["region", "role"], name="user_region_role")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.UNIT_LIAISON) | Q(unit__isnull=False),
                name="user_liaison_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in GRID_POINT_ROLES))
                | Q(grid_point__isnull=False),
                name="user_grid_role_has_point",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username


def password_stamps(user: User) -> list[str]:
    """HMACs of ``user``'s password hash a live token may carry: with the current secret key
    first, then with each of ``SECRET_KEY_FALLBACKS`` (as Django checks sessions)."""
    return [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]


class ApiToken(models.Model):
    """A key a program signs in with (``Authorization: Token <key>``), one per sign-in.

    Only a SHA-256 of the key is kept: the key is shown once, when it is made, and a copy of
    the database signs no one in. A token ends at ``expires_at``, when it is revoked (deleted:
    by its person, on log-out) and when its person's password changes (``user_hash`` no longer
    matches, see :mod:`grid.auth`), whichever way the password was changed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    # The person's session auth hash when the token was made (an HMAC of their password hash).
    user_hash = models.CharField(max_length=128, editable=False)
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    # Written at most once a minute (grid.auth), so a busy token costs no write per request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"

    @staticmethod
    def hash_key(key: str) -> str:
        """What is stored of a key: its SHA-256, hex."""
        return hashlib.sha256(key.encode()).hexdigest()


class AccessKind(models.TextChoices):
    """What a recorded read was (grid.audit): one case, a list of cases or of people, an export."""

    CASE_READ = "case_read", _("Case read")  # a case page, the API's case
    CASE_LIST = "case_list", _("Case list")  # a queue, a search, my reports, the API's list
    HOME = "home", _("Home work list")  # the cases the home page lists
    ATTACHMENT = "attachment", _("Attachment")  # a download of a case's file
    CASE_ACTION = "case_action", _("Case action")  # a transition asked for, allowed or refused
    PEOPLE_LIST = "people_list", _("People list")  # grid pages listing people
    EXPORT = "export", _("Export")  # an export (of this log, later of cases)


class AccessRecordQuerySet(JurisdictionQuerySet):
    """Records of the people in a jurisdiction (a record of nobody signed in: superusers only)."""

    jurisdiction_field = "user__region__path"

    def update(self, **kwargs):
        raise ValueError("The access log is append-only.")


class AccessRecord(models.Model):
    """One read of confidential data (domain.md, Confidentiality): who, when, from where, what.

    Append-only, like the case history: written by :mod:`grid.audit` (one ``INSERT`` per
    request, whatever it read), never changed, deleted only by the retention sweep
    (``ACCESS_LOG_RETENTION_DAYS``). ``allowed`` is false for refused attempts: a case outside
    the person's jurisdiction, an action they may not take.
    """

    QUERY_MAX = 500
    PATH_MAX = 300

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("what"), max_length=20, choices=AccessKind.choices)
    path = models.CharField(_("path"), max_length=PATH_MAX)
    # The list's query as asked (filters, search, page), for lists and exports.
    query = models.CharField(_("query"), max_length=QUERY_MAX, blank=True)
    # The cases read or asked for, as ",12,345," (a containment search that works on SQLite
    # and PostgreSQL alike: case_ids__contains=",12,").
    case_ids = models.TextField(_("cases"), blank=True)
    allowed = models.BooleanField(_("allowed"))
    status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="access_at"),
            models.Index(fields=["user", "at"], name="access_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_id} {self.kind} {self.path}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only.")

    @property
    def case_id_list(self) -> list[int]:
        """The case ids as integers, in the order they were shown."""
        return [int(part) for part in self.case_ids.split(",") if part]
