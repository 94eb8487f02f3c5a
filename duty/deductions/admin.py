"""Admin of deductions: the rule table is edited here; deductions are read here (they change
only through their services: appeals and decisions are logged)."""

from __future__ import annotations

from django.contrib import admin

from duty.models import Deduction, DeductionEvent, DeductionRule
from grid.admin import ScopedAdmin, is_grid_admin


@admin.register(DeductionRule)
class DeductionRuleAdmin(admin.ModelAdmin):
    """The points each kind of event is worth; switch a rule off rather than delete it (a
    deduction keeps its rule)."""

    list_display = ("label", "kind", "grade_group", "responsibility", "points", "manual", "active")
    list_filter = ("active", "manual", "grade_group", "responsibility")
    list_editable = ("points", "active")
    search_fields = ("label", "kind")

    def get_readonly_fields(self, request, obj=None):
        # A rule's kind, grades and responsibility are what detectors look it up by.
        return ("kind", "grade_group", "responsibility") if obj is not None else ()

    def has_module_permission(self, request):
        return is_grid_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_grid_admin(request.user)

    def has_add_permission(self, request):
        return is_grid_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_grid_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_grid_admin(request.user) and (obj is None or not obj.deductions.exists())


class DeductionEventInline(admin.TabularInline):
    model = DeductionEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Deduction)
class DeductionAdmin(ScopedAdmin):
    """Deductions of the admin's jurisdiction, read-only (pages and API change them)."""

    list_display = ("at", "kind", "points", "target", "responsibility", "status")
    list_filter = ("status", "kind", "month")
    list_select_related = ("grid_point", "region", "unit")
    date_hierarchy = "at"
    inlines = [DeductionEventInline]
    raw_id_fields = ("grid_point", "region", "unit", "rule")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Deduction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
