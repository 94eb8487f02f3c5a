"""Django admin of deadlines as data: the working calendar, its years, the clock rules.

The calendar and the rules are the installation's, not a city's: every grid admin (superusers
and system admins, ``grid.admin.grid.is_grid_admin``) may edit them. A year's schedule is
imported from CSV on the working calendar's page (:func:`grid.services.calendar_import`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grid.admin.grid import is_grid_admin
from grid.forms import CalendarImportForm
from grid.grades import grade_choices
from grid.importing.calendar import CALENDAR_MAX_BYTES, FORMAT_EXAMPLE
from grid.models import CalendarDay, CalendarYear, Clock, ClockRule
from grid.services import calendar_import


class GridAdminOnly(admin.ModelAdmin):
    """Only grid admins see and edit these tables."""

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


@admin.register(CalendarYear)
class CalendarYearAdmin(GridAdminOnly):
    """The years the calendar holds; deleting one makes its days count Monday to Friday."""

    list_display = ("year", "days", "source", "imported_at")
    search_fields = ("source",)
    ordering = ("-year",)
    fields = ("year", "source", "imported_at")

    def get_queryset(self, request):
        days = (
            CalendarDay.objects.annotate(y=ExtractYear("date"))
            .filter(y=OuterRef("year"))
            .values("y")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(day_count=Subquery(days))

    @admin.display(description=_("holidays and make-up days"), ordering="day_count")
    def days(self, obj: CalendarYear) -> int:
        return obj.day_count or 0


@admin.register(CalendarDay)
class CalendarDayAdmin(GridAdminOnly):
    """The holidays and make-up working days; a year's schedule comes in by CSV import."""

    change_list_template = "admin/grid/calendarday/change_list.html"
    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("-date",)
    fields = ("date", "kind", "name")
    list_per_page = 100

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="grid_calendarday_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a year's schedule (CSV); bad rows are listed by line, nothing written (400)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = CalendarImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read(CALENDAR_MAX_BYTES + 1)  # past the limit is refused
                try:
                    done = calendar_import(
                        data=data,
                        source=gettext("CSV %(file)s, by %(user)s")
                        % {"file": upload.name, "user": request.user.get_username()},
                        year=form.cleaned_data["year"],
                    )
                except ValidationError as exc:
                    form.add_error("file", exc)
                else:
                    self.message_user(
                        request,
                        gettext(
                            "%(year)d imported: %(created)d days added, %(updated)d changed, "
                            "%(unchanged)d unchanged. Its deadlines now count its holidays."
                        )
                        % {
                            "year": done.year,
                            "created": done.created,
                            "updated": done.updated,
                            "unchanged": done.unchanged,
                        },
                        messages.SUCCESS,
                    )
                    changelist = reverse("admin:grid_calendarday_changelist")
                    return HttpResponseRedirect(f"{changelist}?date__year={done.year}")
            status = 400
        else:
            form = CalendarImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a year's holidays"),
            "form": form,
            "example": FORMAT_EXAMPLE,
            "known_years": CalendarYear.objects.order_by("-year").values_list("year", flat=True)[
                :3
            ],
        }
        return TemplateResponse(
            request, "admin/grid/calendarday/import.html", context, status=status
        )


@admin.register(ClockRule)
class ClockRuleAdmin(GridAdminOnly):
    """How long each clock runs. A clock's rule for every grade cannot be deleted (every
    deadline falls back on it), and a rule's clock and grade are fixed once it exists."""

    list_display = (
        "clock",
        "grade_shown",
        "limit",
        "unit",
        "max_limit",
        "remind_at_percent",
        "grace",
        "note",
    )
    list_filter = ("clock", "unit")
    fields = (
        "clock",
        "grade",
        "limit",
        "unit",
        "max_limit",
        "remind_at_percent",
        "grace",
        "note",
    )

    def get_ordering(self, request):
        # The clocks as declared (the order of a case's life), each grade lowest first.
        def declared(field: str, codes: list[str]):
            return Case(
                *(When(**{field: code}, then=Value(i)) for i, code in enumerate(codes)),
                default=Value(len(codes)),
            )

        grades = [code for code, _label in grade_choices()]
        return [declared("clock", Clock.values), declared("grade", grades)]

    @admin.display(description=_("grade"), ordering="grade")
    def grade_shown(self, obj: ClockRule) -> str:
        return obj.get_grade_display()

    def get_readonly_fields(self, request, obj=None):
        return ("clock", "grade") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.grade == "":
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would take the every-grade rules too
        return actions
