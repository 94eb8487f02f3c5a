"""The case page: what was reported, its clock, history, attachments and the actions allowed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grid import audit
from grid.labels import choice_label
from grid.models import AccessKind
from grid.views.errors import page_refusal
from reports import services
from reports.attachments import attachment_response
from reports.forms import TransitionForm
from reports.history import report_history_for
from reports.models import Category, Grade, RejectKind, Report
from reports.rules import has_queue, may_file, may_see_reporter, sees_internal
from reports.selectors import (
    related_cases_of,
    report_amendments_for,
    report_attachment_for,
    report_available_transitions,
    report_detail_for,
    report_merged_into,
)
from reports.views.labels import clock_for, plain_status, queue_title
from reports.workflow import TRANSITIONS, payload_form, step_words


def _get_report(request: HttpRequest, pk: int, *, kind: str) -> Report:
    """The case for its page, its read recorded as ``kind`` (refused outside the jurisdiction)."""
    try:
        report = report_detail_for(user=request.user, report_id=pk)
    except Report.DoesNotExist as exc:
        audit.record(request, kind=kind, case_ids=[pk], allowed=False)
        raise Http404(_("No such case in your jurisdiction.")) from exc
    audit.record(request, kind=kind, case_ids=[pk])
    return report


def _event_details(data: dict) -> list[str]:
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
    elif data.get("duplicate_elsewhere"):
        details.append(_("elsewhere in the city"))
    return details


def _timeline(user, report: Report) -> list[dict]:
    return [
        {
            "at": entry.event.at,
            "actor": entry.actor or _("the reporter"),
            "action": entry.words,
            "source": plain_status(entry.event.source) if entry.event.source else "",
            "target": plain_status(entry.event.target),
            "comment": entry.comment,
            "details": _event_details(entry.data),
        }
        for entry in report_history_for(user=user, report=report)
    ]


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


@dataclass(frozen=True)
class Action:
    """One action offered on the case page: its transition's words and its payload form."""

    name: str
    label: str
    button: str
    form: TransitionForm
    open: bool


def _actions(user, report: Report, bound: TransitionForm | None) -> list[Action]:
    """The transitions ``user`` may apply now, in the workflow's order, each with its form;
    the one just refused (``bound``) keeps what was typed and its errors."""
    available = set(report_available_transitions(user=user, report=report))
    names = [name for name in TRANSITIONS if name in available]
    actions = []
    for name in names:
        transition = TRANSITIONS[name]
        form = bound if bound is not None and bound.prefix == name else None
        if form is None:
            form = payload_form(name)(report=report, user=user, prefix=name)
        if bound is not None:
            is_open = bound.prefix == name
        else:  # the step most people take next, or the only one
            is_open = len(names) == 1 or (name == names[0] and name in ("close", "resubmit"))
        actions.append(Action(name, str(transition.label), str(transition.button), form, is_open))
    return actions


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
    attachments = list(report.attachments.all())
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
        "related": related_cases_of(report, user=user),
        "timeline": _timeline(user, report),
        "actions": _actions(user, report, bound),
        "conflict": conflict,
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case, if the person may see it (404 otherwise)."""
    report = _get_report(request, pk, kind=AccessKind.CASE_READ)
    return _render_case(request, report)


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Apply one transition through the one service; its refusals re-render or refuse.

    404 outside the jurisdiction, 409 (the case as it stands now, with why) when its state does
    not allow the step or it moved on from what the person saw, 403, then 400 with the form.
    """
    user = request.user
    try:
        updated = services.report_transition(
            report_id=pk,
            by=user,
            name=name,
            data=request.POST,
            prefix=name,
            expected_status=request.POST.get(f"{name}-expected_status") or None,
        )
    except services.PayloadInvalid as exc:
        report = _get_report(request, pk, kind=AccessKind.CASE_ACTION)
        return _render_case(request, report, bound=exc.form, status=400)
    except Exception as exc:
        if audit.is_refusal(exc):
            audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
        refusal = page_refusal(exc)  # 404 and 403 become the product's pages
        report = _get_report(request, pk, kind=AccessKind.CASE_ACTION)
        return _render_case(request, report, conflict=refusal.message, status=refusal.status)
    messages.success(
        request,
        _("Done: %(action)s. Now: %(status)s.")
        % {"action": step_words(name, internal_view=True), "status": plain_status(updated.status)},
    )
    if Report.objects.visible_to(user).filter(pk=pk).exists():
        return redirect("report-detail", pk=pk)
    # E.g. a unit that sent the case back no longer sees it.
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_required
@require_GET
def report_attachment(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """Stream one attachment of a case the person may see; never a public URL.

    A verified image is served inline (the case page shows it); a PDF, or an image stored
    before images were verified, only as a download.
    """
    attachment = report_attachment_for(user=request.user, report_id=pk, number=number)
    audit.record(request, kind=AccessKind.ATTACHMENT, case_ids=[pk], allowed=attachment is not None)
    if attachment is None:
        raise Http404(_("No such attachment."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("No such attachment.")) from exc
    # Inline for the case page's <img>: only images verified when they were stored.
    return attachment_response(attachment, handle, inline_images=True)
