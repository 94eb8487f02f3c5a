"""The case page: what was reported, its clock, history, attachments and the actions allowed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
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
from reports.case_panels import (
    CasePage,
    action_help_for,
    case_flags,
    case_panels_for,
    keep_typed,
    opens_action,
)
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
from reports.views.labels import clock_for, plain_status, queue_title, queue_url
from reports.workflow import TRANSITIONS, payload_form, step_words


def case_for_page(request: HttpRequest, pk: int, *, kind: str) -> Report:
    """The case for its page, its read recorded as ``kind`` (refused outside the jurisdiction).

    Other apps' pages that act on a case (dispatch's actions) draw it again with this and
    :func:`render_case`."""
    try:
        report = report_detail_for(user=request.user, report_id=pk, flags=case_flags())
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
            # Who did it, where the reader may know: the reporter is named as such to readers
            # who may not know who filed; a step shown in plain words names nobody.
            "actor": entry.actor
            or (_("the reporter") if entry.event.actor_id == report.reporter_id else ""),
            "action": entry.words,
            # A step that left the state as it was (a unit's claim, a reply) names it once.
            "source": (
                plain_status(entry.event.source)
                if entry.event.source and entry.event.source != entry.event.target
                else ""
            ),
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
    help: list  # panels other apps draw inside the form (reports.case_panels)


def _actions(
    request: HttpRequest, page: CasePage, *, now, others_open: bool = False
) -> list[Action]:
    """The transitions the person may apply now, in the workflow's order, each with its form;
    the one just refused (``page.bound``) keeps what was typed and its errors.

    ``others_open``: another app's panel offers the step most likely next, so none of these
    opens by itself."""
    user, report, bound = request.user, page.report, page.bound
    available = set(report_available_transitions(user=user, report=report))
    names = [name for name in TRANSITIONS if name in available]
    actions = []
    for name in names:
        transition = TRANSITIONS[name]
        form = bound if bound is not None and bound.prefix == name else None
        if form is None:
            form = payload_form(name)(report=report, user=user, prefix=name)
            keep_typed(form, page.retried(name))
        if bound is not None or page.retry is not None:
            is_open = name in (getattr(bound, "prefix", None), page.retry and page.retry[0])
        elif others_open:
            is_open = False
        else:  # the step most people take next, or the only one
            is_open = len(names) == 1 or (name == names[0] and name in ("close", "resubmit"))
        help_panels = action_help_for(request, now, page, name, form)
        actions.append(
            Action(name, str(transition.label), str(transition.button), form, is_open, help_panels)
        )
    return actions


def _back_link(user) -> tuple[str, str]:
    """Where "back" leads from a case: the queue, the person's own reports, or home."""
    if has_queue(user):
        return queue_url(user), queue_title(user)
    if may_file(user):
        return reverse("report-mine"), _("My reports")
    return reverse(settings.LOGIN_REDIRECT_URL), _("Home")


def render_case(
    request: HttpRequest,
    report: Report,
    *,
    bound=None,
    retry: tuple[str, QueryDict] | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case page: ``bound`` is a payload form just refused as invalid (drawn with its
    errors), ``retry`` an action refused with ``conflict`` (409) and what was posted for it;
    other apps' panels (:mod:`reports.case_panels`) are drawn in their slots."""
    user = request.user
    now = timezone.now()
    page = CasePage(report=report, bound=bound, retry=retry)
    panels = case_panels_for(request, now, page)
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
        "actions": _actions(request, page, now=now, others_open=opens_action(panels["actions"])),
        "case_panels": panels,
        "conflict": conflict,
    }
    return render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case, if the person may see it (404 otherwise)."""
    report = case_for_page(request, pk, kind=AccessKind.CASE_READ)
    return render_case(request, report)


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
        report = case_for_page(request, pk, kind=AccessKind.CASE_ACTION)
        return render_case(request, report, bound=exc.form, status=400)
    except Exception as exc:
        if audit.is_refusal(exc):
            audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
        refusal = page_refusal(exc)  # 404 and 403 become the product's pages
        report = case_for_page(request, pk, kind=AccessKind.CASE_ACTION)
        return render_case(
            request,
            report,
            retry=(name, request.POST),
            conflict=refusal.message,
            status=refusal.status,
        )
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
