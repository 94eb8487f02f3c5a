"""The grid import page: system admins upload CSV/XLSX files; the service does the rest."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from grid.forms import GridImportForm
from grid.importing import COLUMNS, ENTITIES, ImportSource
from grid.models import Role
from grid.scoping import jurisdiction_of
from grid.services import grid_import

ENTITY_LABELS = {
    "regions": _("Regions"),
    "grid_points": _("Grid points"),
    "units": _("Units"),
    "people": _("People"),
}
# The error table stops here; the rest is counted (the command line lists every one).
MAX_ERRORS_SHOWN = 500


@login_required
def import_page(request):
    """Form, then the counts per entity or the table of every bad row."""
    user = request.user
    if not (user.is_superuser or user.role == Role.SYS_ADMIN):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        form = GridImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = grid_import(
                sources=[ImportSource.from_upload(f) for f in form.cleaned_data["files"]],
                dry_run=form.cleaned_data["dry_run"],
                scope=jurisdiction_of(user),
            )
    else:
        form = GridImportForm()
    context = {
        "form": form,
        "result": result,
        "sheets": [(entity, ENTITY_LABELS[entity], COLUMNS[entity]) for entity in ENTITIES],
    }
    if result is not None:
        context["counts"] = [(ENTITY_LABELS[entity], result.counts[entity]) for entity in ENTITIES]
        context["errors_shown"] = result.errors[:MAX_ERRORS_SHOWN]
        context["errors_hidden"] = max(0, len(result.errors) - MAX_ERRORS_SHOWN)
    return render(request, "grid/import.html", context)
