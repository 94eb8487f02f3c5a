"""The case page: what was reported, its clock, history, attachments and the actions allowed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from grid.labels import choice_label
from reports.forms import TRANSITION_FORMS, TransitionForm, add_service_errors
from reports.models import Category, Grade, RejectKind, Report
from reports.rules import has_queue, may_file, may_see_reporter, sees_internal
from reports.selectors import (
    report_amendments_for,
    report_attachment_for,
    report_available_transitions,
    report_detail_for,
    report_merged_into,
    report_timeline_for,
)
from reports.services import TRANSITION_SERVICES
from reports.views.labels import action_label, clock_for, plain_status, queue_title

access_log = logging.getLogger("reports.access")

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def _get_report(user, pk: int) -> Report:
    try:
        return report_detail_for(user=user, report_id=pk)
    except Report.DoesNotExist as exc:
        raise Http404(_("No such case in your jurisdiction.")) from exc


def _event_details(event) -> list[str]:
    data = event.data or {}
    details = []
    if data.get("unit_name"):
        details.append(_("Unit: %(name)s") % {"name": data["unit_name"]})
    if data.get("grade"):
        details.append(_("Grade: %(grade)s") % {"grade": choice_label(Grade, data["grade"])})
    if data.get("lead_unit_name"):
        details.append(_("Lead unit: %(name)s") % {"name": data["lead_unit_name"]})
    if data.get("kind"):
        details.append(choice_label(RejectKind, data["kind"]))
    if data.get("duplicate_of"):
        details.append(_("Duplicate of %(number)s") % {"number": data["duplicate_of"]})
    return details


def _timeline(user, report: Report, show_reporter: bool) -> list[dict]:
    entries = []
    for event in report_timeline_for(user=user, report=report):
        if event.actor_id == report.reporter_id and not show_reporter:
            actor = _("the reporter")
        else:
            actor = event.actor.get_full_name()
        entries.append(
            {
                "at": event.at,
                "actor": actor,
                "action": action_label(event.transition),
                "source": plain_status(event.source) if event.source else "",
                "target": plain_status(event.target),
                "comment": event.comment,
                "details": _event_details(event),
            }
        )
    return entries


def _amendments(report: Report) -> list[str]:
    lines = []
    for amendment in report_amendments_for(report=report):
        if amendment.field == "category":
            old, new = (
                choice_label(Category, amendment.old_value),
                choice_label(Category, amendment.new_value),
            )
        else:
            old, new = amendment.old_value, amendment.new_value
        lines.append(
            _("corrected from %(old)s to %(new)s by %(who)s")
            % {"old": old, "new": new, "who": amendment.actor.get_full_name()}
        )
    return lines


def _action_forms(user, report: Report, bound: TransitionForm | None) -> list[TransitionForm]:
    available = set(report_available_transitions(user=user, report=report))
    forms = []
    for name, form_class in TRANSITION_FORMS.items():
        if name not in available:
            continue
        if bound is not None and bound.name == name:
            forms.append(bound)
        else:
            forms.append(form_class(report=report))
    return forms


def _back_link(user) -> tuple[str, str]:
    """Where "back" leads from a case: the queue, the person's own reports, or home."""
    if has_queue(user):
        return reverse("report-queue"), queue_title(user)
    if may_file(user):
        return reverse("report-mine"), _("My reports")
    return reverse(settings.LOGIN_REDIRECT_URL), _("Home")


def _render_case(
    request: HttpRequest,
    report: Report,
    *,
    bound: TransitionForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    show_reporter = may_see_reporter(user, report)
    attachments = [
        {"item": a, "is_image": a.content_type in IMAGE_TYPES} for a in report.attachments.all()
    ]
    context = {
        "report": report,
        "now": now,
        "plain_status": plain_status(report.status),
        "clock": clock_for(report, now=now, long=True),
        "show_reporter": show_reporter,
        "is_staff_view": sees_internal(user),
        "back": _back_link(user),
        "sources": list(report.sources.all()),
        "attachments": attachments,
        "amendments": _amendments(report),
        "merged": report_merged_into(user=user, report=report),
        "timeline": _timeline(user, report, show_reporter),
        "action_forms": _action_forms(user, report, bound),
        "open_action": bound.name if bound is not None else "",
        "conflict": conflict,
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case, if the person may see it (404 otherwise)."""
    report = _get_report(request.user, pk)
    access_log.info("case read user=%s case=%s what=page", request.user.pk, report.pk)
    return _render_case(request, report)


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Apply one transition through its service; 400/403/404/409 re-render or refuse."""
    form_class = TRANSITION_FORMS.get(name)
    if form_class is None:
        raise Http404(_("No such action."))
    user = request.user
    report = _get_report(user, pk)
    seen = request.POST.get(f"{name}-seen_status", "")
    if seen and seen != report.status:
        return _conflict(request, report, refetch=False)
    if name not in report_available_transitions(user=user, report=report):
        if not can_proceed(getattr(report, name)):
            return _render_case(
                request, report, conflict=_("This action is not possible now."), status=409
            )
        raise PermissionDenied(_("You may not do this to this case."))
    form = form_class(request.POST, report=report)
    if not form.is_valid():
        return _render_case(request, report, bound=form, status=400)
    try:
        updated = TRANSITION_SERVICES[name](report_id=report.pk, by=user, **form.service_kwargs())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_case(request, report, bound=form, status=400)
    except Report.DoesNotExist as exc:
        raise Http404(_("No such case in your jurisdiction.")) from exc
    except PermissionDenied:
        raise
    except ConcurrentTransition:
        return _conflict(request, report)
    except TransitionNotAllowed as exc:
        fresh = _get_report(user, pk)
        if fresh.status != report.status:
            return _conflict(request, fresh, refetch=False)
        reason = str(exc.args[0]) if exc.args else _("This action is not possible now.")
        return _render_case(request, fresh, conflict=reason, status=409)
    messages.success(
        request,
        _("Done: %(action)s. Now: %(status)s.")
        % {"action": action_label(name), "status": plain_status(updated.status)},
    )
    if Report.objects.visible_to(user).filter(pk=pk).exists():
        return redirect("report-detail", pk=pk)
    # E.g. a unit that sent the case back no longer sees it.
    return redirect(settings.LOGIN_REDIRECT_URL)


def _conflict(request: HttpRequest, report: Report, *, refetch: bool = True) -> HttpResponse:
    fresh = _get_report(request.user, report.pk) if refetch else report
    return _render_case(
        request,
        fresh,
        conflict=_("This case was changed by someone else meanwhile; here is its current state."),
        status=409,
    )


@login_required
@require_GET
def report_attachment(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """Stream one attachment of a case the person may see; never a public URL."""
    attachment = report_attachment_for(user=request.user, report_id=pk, number=number)
    if attachment is None:
        raise Http404(_("No such attachment."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("No such attachment.")) from exc
    access_log.info("case read user=%s case=%s what=attachment:%s", request.user.pk, pk, number)
    response = FileResponse(
        handle,
        as_attachment=attachment.content_type not in IMAGE_TYPES,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
