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

from directives.forms import NoticeForm, ReportForm
from directives.models import NoticeAttachment, ReportAttachment
from directives.selectors import (
    TRACKING_STATES,
    may_follow,
    may_issue,
    notice_for_reader,
    notice_tracking,
    notices_for,
    tracking_rows,
)
from directives.services import (
    NoticeConflict,
    notice_acknowledge,
    notice_issue,
    notice_remind,
    notice_report,
)
from grid.errors import field_errors
from grid.pagination import CappedPaginator
from reports.attachments import attachment_response
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
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user)
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


def _detail(request, pk: int, *, report_form=None, status: int = 200) -> HttpResponse:
    notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
    return render(
        request,
        "directives/notice_detail.html",
        {
            "notice": notice,
            "recipient": recipient,
            "follower": may_follow(request.user, notice),
            "report_form": report_form or ReportForm(),
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
    rows = tracking_rows(notice=notice, now=now, state=state)
    page = CappedPaginator(rows, TRACKING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "notice": notice,
        "tracking": notice_tracking(notice=notice, now=now),
        "page": page,
        "state": state,
        "states": [
            ("all", _("All nodes")),
            ("late", _("Late")),
            ("outstanding", _("Not done yet")),
            ("done", _("Done")),
        ],
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
