"""Notice pages (thin: parse, call one service or selector, render).

Recipients read, acknowledge and report on phone-sized pages; the issuer's tracking page
refreshes its counts and rows by htmx polling.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directives.forms import ForwardForm, NoticeForm, ReportForm
from directives.models import ForwardScreenshot, NoticeAttachment, NoticeKind, ReportAttachment
from directives.selectors import (
    TRACKING_STATES,
    coverage_county,
    forward_of,
    may_follow,
    may_issue,
    notice_coverage,
    notice_for_reader,
    notice_tracking,
    notices_for,
    tracking_page,
    tracking_rows,
)
from directives.services import (
    NoticeConflict,
    notice_acknowledge,
    notice_forward,
    notice_issue,
    notice_remind,
    notice_report,
)
from grid.errors import field_errors
from grid.pagination import CappedPaginator
from reports.attachments import attachment_response
from reports.models import Report
from reports.views.lists import is_htmx

PAGE_SIZE = 25
TRACKING_PAGE_SIZE = 50


def _add_errors(form, exc: ValidationError) -> None:
    for name, errors in field_errors(exc).items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """The notices sent to the person's node, or (tab ``issued``) those they follow."""
    issuer = may_issue(request.user)
    box = request.GET.get("box") or ("issued" if issuer else "inbox")
    if box not in ("inbox", "issued"):
        box = "inbox"
    notices = notices_for(user=request.user, box=box)
    page = CappedPaginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directives/notice_list.html",
        {"page": page, "box": box, "issuer": issuer, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    """Issue a notice; a refused one shows its errors and keeps what was typed."""
    if not may_issue(request.user):
        raise PermissionDenied(_("Only duty officers, county admins and leaders issue notices."))
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=_push_initial(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = notice_issue(
                by=request.user,
                now=timezone.now(),
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                regions=list(data["regions"]),
                units=list(data["units"]),
                needs_ack=data["needs_ack"],
                ack_due_at=data["ack_due_at"],
                needs_report=data["needs_report"],
                report_due_at=data["report_due_at"],
                attachments=data["attachments"],
                share_text=data["share_text"],
                share_link=data["share_link"],
                reports=data["reports"],
                relayed_from=data["relayed_from"],
                relayed_received_at=data["relayed_received_at"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Notice issued to %(n)d nodes.") % {"n": notice.recipient_count},
            )
            return redirect("directives-tracking", pk=notice.pk)
    status = 400 if form.errors else 200
    return render(request, "directives/notice_form.html", {"form": form}, status=status)


def _push_initial(request: HttpRequest) -> dict:
    """From a case page (``?report=<id>``): a rumour refutation linked to that case."""
    raw = request.GET.get("report", "")
    report = (
        Report.objects.visible_to(request.user).filter(pk=raw).only("case_number").first()
        if raw.isdigit()
        else None
    )
    if report is None:
        return {}
    return {"kind": NoticeKind.REFUTATION, "reports": report.case_number, "needs_ack": False}


def _detail(
    request, pk: int, *, report_form=None, forward_form=None, status: int = 200
) -> HttpResponse:
    notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
    return render(
        request,
        "directives/notice_detail.html",
        {
            "notice": notice,
            "recipient": recipient,
            "follower": may_follow(request.user, notice),
            "report_form": report_form or ReportForm(),
            "forward_form": forward_form or ForwardForm(),
            "forward": forward_of(recipient),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as its recipient reads it, with the acknowledge and report forms."""
    return _detail(request, pk)


@login_required
@require_POST
def notice_ack(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice_acknowledge(notice_id=pk, by=request.user, now=timezone.now())
    except NoticeConflict as exc:
        messages.error(request, str(exc))
        return _detail(request, pk, status=409)
    messages.success(request, _("Acknowledged."))
    return redirect("directives-notice", pk=pk)


@login_required
@require_POST
def notice_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            notice_report(
                notice_id=pk,
                by=request.user,
                now=timezone.now(),
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except NoticeConflict as exc:
            messages.error(request, str(exc))
            return _detail(request, pk, report_form=form, status=409)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Completion reported."))
            return redirect("directives-notice", pk=pk)
    return _detail(request, pk, report_form=form, status=400)


@login_required
@require_POST
def notice_forward_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A node marks an authoritative push forwarded (where, perhaps a screenshot)."""
    form = ForwardForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice_forward(
                notice_id=pk,
                by=request.user,
                now=timezone.now(),
                platform=data["platform"],
                place=data["place"],
                screenshot=data["screenshot"],
            )
        except NoticeConflict as exc:
            messages.error(request, str(exc))
            return _detail(request, pk, forward_form=form, status=409)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Marked forwarded. Thank you."))
            return redirect("directives-notice", pk=pk)
    return _detail(request, pk, forward_form=form, status=400)


def _followed(request, pk: int):
    notice, _recipient = notice_for_reader(user=request.user, notice_id=pk)
    if not may_follow(request.user, notice):
        raise Http404(_("No such notice."))
    return notice


@login_required
@require_GET
def notice_tracking_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Who acknowledged, who reported, who is late, by node; htmx polls the live part."""
    notice = _followed(request, pk)
    now = timezone.now()
    state = request.GET.get("state", "all")
    if state not in TRACKING_STATES:
        state = "all"
    coverage = _coverage_context(request, notice)
    county = coverage.get("coverage_county")
    rows = tracking_rows(
        notice=notice, now=now, state=state, county_id=county.id if county else None
    )
    page = CappedPaginator(rows.values_list("pk", flat=True), TRACKING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = tracking_page(page.object_list)
    if notice.is_push:
        states = [
            ("all", _("All nodes")),
            ("outstanding", _("Not forwarded yet")),
            ("done", _("Forwarded")),
        ]
    else:
        states = [
            ("all", _("All nodes")),
            ("late", _("Late")),
            ("outstanding", _("Not done yet")),
            ("done", _("Done")),
        ]
    context = {
        **coverage,
        "notice": notice,
        "linked_reports": _linked_reports(request, notice),
        "tracking": notice_tracking(notice=notice, now=now),
        "page": page,
        "state": state,
        "states": states,
        "now": now,
    }
    template = "directives/_tracking.html" if is_htmx(request) else "directives/tracking.html"
    return render(request, template, context)


@login_required
@require_POST
def notice_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind one node, or every late node, in one click."""
    notice = _followed(request, pk)
    raw = request.POST.get("recipient")
    recipient_id = int(raw) if raw and raw.isdigit() else None
    count = notice_remind(
        notice=notice, by=request.user, now=timezone.now(), recipient_id=recipient_id
    )
    if count:
        messages.success(request, _("Reminded %(n)d nodes.") % {"n": count})
    else:
        messages.info(request, _("Nobody to remind."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("directives-tracking", pk=pk)


def _linked_reports(request: HttpRequest, notice) -> list:
    """The cases a push is linked to, among those the reader may see."""
    if not notice.is_push:
        return []
    return list(notice.reports.visible_to(request.user).only("id", "case_number"))


def _coverage_context(request: HttpRequest, notice) -> dict:
    """A push's coverage by county, or by township of the county asked (``?county=``)."""
    if not notice.is_push:
        return {}
    raw = request.GET.get("county", "")
    county = coverage_county(notice=notice, county_id=int(raw)) if raw.isdigit() else None
    return {
        "coverage_county": county,
        "coverage": notice_coverage(notice=notice, county_id=county.id if county else None),
    }


def _stream(file_row) -> FileResponse:
    try:
        handle = file_row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("No such attachment.")) from exc
    return attachment_response(file_row, handle, inline_images=True)


@login_required
@require_GET
def notice_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """An attachment of a notice, to its recipients and followers only."""
    notice, _recipient = notice_for_reader(user=request.user, notice_id=pk)
    row = NoticeAttachment.objects.filter(notice=notice, pk=file_id).first()
    if row is None:
        raise Http404(_("No such attachment."))
    return _stream(row)


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int, recipient_id: int, file_id: int) -> FileResponse:
    """An attachment of a node's report, to that node and the notice's followers."""
    notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
    allowed = may_follow(request.user, notice) or (recipient and recipient.pk == recipient_id)
    row = ReportAttachment.objects.filter(
        recipient_id=recipient_id, recipient__notice=notice, pk=file_id
    ).first()
    if row is None or not allowed:
        raise Http404(_("No such attachment."))
    return _stream(row)


@login_required
@require_GET
def forward_screenshot(request: HttpRequest, pk: int, recipient_id: int) -> FileResponse:
    """A node's forwarding screenshot, to that node and the notice's followers."""
    notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
    allowed = may_follow(request.user, notice) or (recipient and recipient.pk == recipient_id)
    row = ForwardScreenshot.objects.filter(
        forward__recipient_id=recipient_id, forward__recipient__notice=notice
    ).first()
    if row is None or not allowed:
        raise Http404(_("No such attachment."))
    return _stream(row)
