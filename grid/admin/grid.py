"""Django admin for the grid: regions, grid points, units and people, for system admins; and
the access log (grid.audit), read-only, with its CSV export.

Who may use it is decided here, in code, not by Groups: superusers (the installation's
operators) and staff members whose role is system admin. Every list, form choice and
autocomplete is scoped with ``visible_to(request.user)``, so a city's system admin sees,
picks and edits only their own city's rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grid import audit
from grid.models import (
    KINDS_BY_LEVEL,
    PARENT_LEVEL,
    AccessKind,
    AccessRecord,
    GridPoint,
    Level,
    Region,
    Role,
    Unit,
    User,
    region_path,
)
from grid.scoping import JurisdictionQuerySet


def is_grid_admin(user) -> bool:
    """True for the people who may maintain the grid in the admin."""
    return bool(
        user.is_active and (user.is_superuser or (user.is_staff and user.role == Role.SYS_ADMIN))
    )


class ScopedAdmin(admin.ModelAdmin):
    """Rows, choices and permissions limited to the grid admins' jurisdiction."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if "queryset" not in kwargs and isinstance(
            related._default_manager.get_queryset(), JurisdictionQuerySet
        ):
            kwargs["queryset"] = related._default_manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # modelform_factory makes a fresh class on every call: safe to stamp the request user.
        form.request_user = request.user
        return form

    def has_module_permission(self, request):
        return is_grid_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_grid_admin(request.user)

    def has_add_permission(self, request):
        return is_grid_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_grid_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_grid_admin(request.user)


# --- Regions --------------------------------------------------------------------------------


class RegionAdminForm(forms.ModelForm):
    """Checks the tree's shape before save_model computes the path."""

    request_user = None

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent"]

    def clean(self):
        data = super().clean()
        level = data.get("level") or self.instance.level
        if not level:
            return data
        level = Level(level)
        kind = data.get("kind")
        parent = data.get("parent")
        if kind and kind not in KINDS_BY_LEVEL[level]:
            self.add_error("kind", gettext("This kind does not fit the level."))
        expected = PARENT_LEVEL.get(level)
        if expected is None:
            if parent is not None:
                self.add_error("parent", gettext("A city has no parent."))
            elif self.request_user is not None and not self.request_user.is_superuser:
                self.add_error("level", gettext("Only the installation's operators add cities."))
        elif parent is None or parent.level != expected:
            self.add_error(
                "parent",
                gettext("The parent of a %(level)s must be a %(parent)s.")
                % {"level": level.label, "parent": expected.label},
            )
        elif self.instance.pk and parent.path.startswith(self.instance.path):
            self.add_error("parent", gettext("A region cannot be moved below itself."))
        return data


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    form = RegionAdminForm
    list_display = ("code", "name", "level", "kind", "parent")
    list_select_related = ("parent",)
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    fields = ("code", "name", "level", "kind", "parent", "path")
    ordering = ("path",)

    def get_readonly_fields(self, request, obj=None):
        # The code and level are part of every descendant's path and of the tree's shape:
        # they are fixed once the region exists. Moving is done by changing the parent.
        return ("code", "level", "path") if obj is not None else ("path",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.path = region_path(obj.parent.path if obj.parent_id else "", obj.code)
        elif "parent" in form.changed_data:
            from grid.services import region_set_parent  # written alongside; import lazily

            # Rewrites the subtree's paths in one UPDATE and sets obj.path / obj.parent.
            region_set_parent(region=obj, parent=obj.parent)
        obj.save()


# --- Grid points and units ------------------------------------------------------------------


class GridPointAdminForm(forms.ModelForm):
    """A grid point sits at a township or a village."""

    request_user = None

    class Meta:
        model = GridPoint
        fields = ["code", "name", "region", "head", "is_active"]

    def clean_region(self):
        region = self.cleaned_data["region"]
        if region is not None and region.level not in (Level.TOWNSHIP, Level.VILLAGE):
            raise forms.ValidationError(gettext("A grid point sits at a township or a village."))
        return region


@admin.register(GridPoint)
class GridPointAdmin(ScopedAdmin):
    form = GridPointAdminForm
    list_display = ("code", "name", "region", "head", "is_active")
    list_select_related = ("region", "head")
    list_filter = ("is_active", "region__level")
    search_fields = ("code", "name")
    autocomplete_fields = ("region", "head")
    ordering = ("code",)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "region", "is_active")
    list_select_related = ("region",)
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)
    ordering = ("region__path", "code")


# --- People ---------------------------------------------------------------------------------


class _HomeNodeRequired:
    """Someone without a home node would vanish from a city admin's lists once saved."""

    request_user = None

    def clean_region(self):
        region = self.cleaned_data.get("region")
        user = self.request_user
        if region is None and user is not None and not user.is_superuser:
            raise forms.ValidationError(gettext("Choose the person's home node."))
        return region


class GridUserCreationForm(_HomeNodeRequired, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "name", "phone", "role", "region", "grid_point", "unit")


class GridUserChangeForm(_HomeNodeRequired, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    form = GridUserChangeForm
    add_form = GridUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "phone")}),
        (_("Place in the grid"), {"fields": ("role", "region", "grid_point", "unit")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Person"), {"fields": ("name", "phone")}),
        (_("Place in the grid"), {"fields": ("role", "region", "grid_point", "unit")}),
    )
    list_display = ("username", "name", "role", "region", "is_active", "is_staff")
    list_select_related = ("region",)
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "name", "phone")
    autocomplete_fields = ("region", "grid_point", "unit")
    ordering = ("username",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not request.user.is_superuser:
            # A city's admin must not reset an operator's password or take over the account.
            qs = qs.filter(is_superuser=False)
        return qs

    def get_readonly_fields(self, request, obj=None):
        readonly = ("last_login", "date_joined")
        if not request.user.is_superuser:
            readonly += ("is_superuser", "groups", "user_permissions")
        return readonly


# --- The access log -------------------------------------------------------------------------


class _Echo:
    """A file whose ``write`` hands back what it is given (csv.writer into a streamed answer)."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


EXPORT_BATCH = 2000


@admin.register(AccessRecord)
class AccessRecordAdmin(ScopedAdmin):
    """The access log, read-only: filter, search and export; never add, change or delete.

    A city's system admin sees the records of the people of their city, superusers every one.
    """

    change_list_template = "admin/grid/accessrecord/change_list.html"
    list_display = ("at", "user", "address", "kind", "allowed", "status", "path", "query", "cases")
    list_select_related = ("user",)
    list_filter = ("kind", "allowed", ("at", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__name", "address", "path")
    search_help_text = _("A person's login or name, an address, a path; or a case id.")
    ordering = ("-at", "-id")
    show_full_result_count = False  # the log grows without end: no second COUNT(*) per page
    list_per_page = 100
    fields = (
        "at",
        "user",
        "address",
        "kind",
        "allowed",
        "status",
        "path",
        "query",
        "case_ids",
    )
    readonly_fields = fields

    @admin.display(description=_("cases"))
    def cases(self, obj: AccessRecord) -> str:
        return ", ".join(str(pk) for pk in obj.case_id_list)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit():  # a case id: the records that read or asked for it
            return queryset.filter(case_ids__contains=f",{int(term)},"), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}  # no bulk delete

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="grid_accessrecord_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """The records the change list shows for the same filters and search, as CSV; the
        export itself is recorded (kind ``export``, with its query)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        records = changelist.get_queryset(request).select_related("user").order_by("-id")
        # The first batch now, before this export's own record is written: later batches
        # read only older ids, so the export is the range as it stood when asked for.
        first = list(records[:EXPORT_BATCH])
        audit.record(request, kind=AccessKind.EXPORT)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            self._csv_lines(records, first), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
        return response

    def _csv_lines(self, records, first: list[AccessRecord]) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"  # a BOM, so that spreadsheets read the names as UTF-8
        yield writer.writerow(
            [
                "at",
                "user_id",
                "username",
                "name",
                "address",
                "kind",
                "allowed",
                "status",
                "path",
                "query",
                "case_ids",
            ]
        )
        # Newest first, in batches by id: memory stays flat whatever the range.
        rows = first
        while rows:
            for row in rows:
                user = row.user
                yield writer.writerow(
                    _cell(value)
                    for value in (
                        timezone.localtime(row.at).isoformat(),
                        row.user_id,
                        user.username if user else "",
                        user.name if user else "",
                        row.address,
                        row.kind,
                        "yes" if row.allowed else "no",
                        row.status,
                        row.path,
                        row.query,
                        " ".join(str(pk) for pk in row.case_id_list),
                    )
                )
            rows = list(records.filter(id__lt=rows[-1].id)[:EXPORT_BATCH])
