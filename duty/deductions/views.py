"""Deduction pages (thin views): the list with its filters, one deduction with its source,
history and the appeal or decision form, the duty officer's form, the evidence download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duty.deductions.filters import DeductionFilter
from duty.deductions.forms import AppealForm, DecideForm, DeductionRecordForm
from duty.deductions.rules import may_appeal, may_decide, may_record
from duty.deductions.selectors import (
    deduction_detail_for,
    deduction_history,
    deduction_list_for,
    source_link_for,
)
from duty.deductions.services import (
    appeal_check,
    decide_check,
    deduction_appeal,
    deduction_appeal_decide,
    deduction_record,
)
from duty.models import Deduction, DeductionStatus
from grid.errors import field_errors
from grid.labels import choice_label
from grid.pagination import CappedPaginator
from grid.views.errors import page_refusal
from reports.attachments import attachment_response
from reports.models import Grade
from reports.views.lists import is_htmx

PAGE_SIZE = 25


@login_required
@require_GET
def deduction_list(request: HttpRequest) -> HttpResponse:
    """The deductions the person may see, filtered, newest first, paged (htmx: the list only)."""
    filters = DeductionFilter(request.GET, request=request)
    filter_errors: list[str] = []
    page = None
    if filters.is_valid():
        deductions = deduction_list_for(user=request.user, filters=filters)
        page = CappedPaginator(deductions, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        filter_errors = [str(m) for errors in filters.errors.values() for m in errors]
    context = {
        "page": page,
        "filter_errors": filter_errors,
        "may_record": may_record(request.user),
    }
    status = 400 if filter_errors else 200
    if is_htmx(request):
        response = render(request, "duty/deductions/_list.html", context, status=status)
    else:
        context["filter_form"] = filters.form
        response = render(request, "duty/deductions/list.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail(
    request, deduction: Deduction, *, appeal_form=None, decide_form=None, conflict="", status=200
) -> HttpResponse:
    user = request.user
    may_appeal_now = deduction.status == DeductionStatus.COUNTING and deduction.appealed_at is None
    context = {
        "deduction": deduction,
        "source": source_link_for(deduction, user=user),
        "history": deduction_history(deduction=deduction),
        "appeal_form": (
            (appeal_form or AppealForm())
            if may_appeal_now and may_appeal(user, deduction)
            else None
        ),
        "decide_form": (
            (decide_form or DecideForm())
            if deduction.status == DeductionStatus.APPEALED and may_decide(user, deduction)
            else None
        ),
        "conflict": conflict,
        "grade_label": choice_label(Grade, deduction.grade),
    }
    return render(request, "duty/deductions/detail.html", context, status=status)


@login_required
@require_GET
def deduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One deduction: what, against whom, its source, reason, evidence, history, and the
    appeal (the penalised party) or decision (a city admin) form."""
    try:
        deduction = deduction_detail_for(user=request.user, deduction_id=pk)
    except Deduction.DoesNotExist as exc:
        raise Http404(_("No such deduction in your jurisdiction.")) from exc
    return _detail(request, deduction)


def _act(request, pk: int, *, form, action: str, run) -> HttpResponse:
    """Run an appeal or a decision. The state and permission are checked before the payload
    (404, 409, 403, then 400); a refusal re-renders the page with what was typed."""
    form_kwarg = "appeal_form" if action == "appeal" else "decide_form"
    try:
        _check_only(request, pk, action=action)
        if form.is_valid():
            run(form.cleaned_data)
            return redirect("deduction-detail", pk=pk)
    except Exception as exc:
        refusal = page_refusal(exc)  # 404 and 403 become the product's pages
        deduction = deduction_detail_for(user=request.user, deduction_id=pk)
        if refusal.status != 400:
            return _detail(request, deduction, conflict=refusal.message, status=refusal.status)
        if isinstance(exc, ValidationError):
            for name, errors in field_errors(exc).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        return _detail(request, deduction, status=400, **{form_kwarg: form})
    deduction = deduction_detail_for(user=request.user, deduction_id=pk)
    return _detail(request, deduction, status=400, **{form_kwarg: form})


@login_required
@require_POST
def deduction_appeal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The penalised party's appeal (once)."""

    def run(data):
        deduction_appeal(deduction_id=pk, by=request.user, reason=data["reason"])
        messages.success(request, _("Appeal sent: a city admin will decide it."))

    return _act(request, pk, form=AppealForm(request.POST), action="appeal", run=run)


@login_required
@require_POST
def deduction_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A city admin's decision on an appeal."""

    def run(data):
        deduction = deduction_appeal_decide(
            deduction_id=pk, by=request.user, decision=data["decision"], note=data["note"]
        )
        messages.success(
            request,
            _("Cancelled: it no longer counts.")
            if deduction.status == DeductionStatus.CANCELLED
            else _("Upheld: it counts."),
        )

    return _act(request, pk, form=DecideForm(request.POST), action="decide", run=run)


def _check_only(request, pk: int, *, action: str) -> None:
    """The refusals that come before a bad payload's: 404, 409, 403 (raised), else nothing."""
    deduction = deduction_detail_for(user=request.user, deduction_id=pk)
    check = appeal_check if action == "appeal" else decide_check
    check(deduction=deduction, by=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def deduction_new(request: HttpRequest) -> HttpResponse:
    """A duty officer's form: a deduction or bonus by hand, with reason and evidence."""
    if not may_record(request.user):
        raise PermissionDenied(_("Only city duty officers record deductions by hand."))
    initial = {k: request.GET[k] for k in ("target_type", "target", "case") if k in request.GET}
    form = DeductionRecordForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deduction = deduction_record(
                by=request.user,
                kind=data["kind"],
                grade=data["grade"],
                responsibility=data["responsibility"],
                target=data.get("target_object"),
                at=data["at"],
                reason=data["reason"],
                source=data["case"],
                evidence=data["evidence"],
            )
        except ValidationError as exc:
            for name, errors in field_errors(exc).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("Recorded; the party has been told."))
            return redirect("deduction-detail", pk=deduction.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "duty/deductions/new.html", {"form": form}, status=status)


@login_required
@require_GET
def deduction_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Stream a deduction's evidence to someone who may see the deduction; never a public URL."""
    try:
        deduction = deduction_detail_for(user=request.user, deduction_id=pk)
    except Deduction.DoesNotExist as exc:
        raise Http404(_("No such file.")) from exc
    if not deduction.evidence:
        raise Http404(_("No such file."))
    try:
        handle = deduction.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("No such file.")) from exc
    return attachment_response(EvidenceFile(deduction), handle, inline_images=True)


class EvidenceFile:
    """A deduction's evidence as :func:`reports.attachments.attachment_response` serves it."""

    def __init__(self, deduction: Deduction) -> None:
        self.content_type = deduction.evidence_type
        self.width = deduction.evidence_width
        from reports.attachments import served_name

        self.download_name = served_name(deduction.evidence_name, deduction.evidence_type)

    @property
    def is_verified_image(self) -> bool:
        return self.width is not None and self.content_type.startswith("image/")
