"""The intake page: an informant files a report from a phone."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reports.forms import ReportIntakeForm, add_service_errors
from reports.rules import may_file
from reports.services import IdempotencyKeyReused, report_submit


def _require_grid_point_person(user) -> None:
    if not may_file(user):
        raise PermissionDenied(_("Only informants, volunteers and grid heads file reports."))


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Show the intake form; on POST file the report through ``report_submit``."""
    _require_grid_point_person(request.user)
    if request.method == "GET":
        form = ReportIntakeForm(user=request.user)
        return render(request, "reports/report_new.html", {"form": form})

    form = ReportIntakeForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            report, created = report_submit(reporter=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IdempotencyKeyReused as exc:
            # This form was sent before (e.g. back with the Back button, files changed): say
            # so, and give it a new key, so that sending it again files a new report.
            form.add_error(
                None,
                _(
                    "This form was already sent as case %(number)s, with other content or "
                    "attachments. Nothing more was filed: to file this as a new report, "
                    "check it and send it again."
                )
                % {"number": exc.report.case_number},
            )
            form.data = form.data.copy()
            form.data["idempotency_key"] = uuid.uuid4().hex
        else:
            if created:
                text = _("Report filed. Case number: %(number)s") % {"number": report.case_number}
            else:
                text = _("This report was already filed. Case number: %(number)s") % {
                    "number": report.case_number
                }
            messages.success(request, text)
            return redirect("report-detail", pk=report.pk)
    files_dropped = bool(request.FILES)
    return render(
        request,
        "reports/report_new.html",
        {"form": form, "files_dropped": files_dropped},
        status=400,
    )
