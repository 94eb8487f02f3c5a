"""Duty's pages: the informant's daily report and risk points (phone-sized), the overviews of
who has filed for county admins and the city, and the one-click reminder to the missing."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from duty.deductions.selectors import deductions_of_sources
from duty.filings import DAILY_REPORT, RISK_POINTS
from duty.forms import DailyReportForm, OverviewForm, RiskPointsForm
from duty.kinds import local_today, month_start, submission_kind
from duty.models import ExpectedSubmission, SubmissionStatus
from duty.selectors import (
    city_overview,
    county_overview,
    daily_report_list_for,
    my_filings_for,
    overview_county_for,
    overview_totals,
    risk_point_list_for,
    sees_overview,
)
from duty.services.filings import (
    AlreadyFiled,
    daily_report_file,
    reports_of_the_day,
    risk_points_file,
)
from duty.services.reminders import expected_remind
from reports.forms import add_service_errors
from reports.rules import may_file

PAGE_SIZE = 50


def _filer(user) -> None:
    if not may_file(user):
        raise PermissionDenied(
            _("Only informants, volunteers and grid heads of a grid point file this.")
        )


@login_required
@require_http_methods(["GET", "POST"])
def daily_report_page(request: HttpRequest) -> HttpResponse:
    """Today's daily report of the person's grid point: the form, or what was filed."""
    user = request.user
    _filer(user)
    now = timezone.now()
    today = local_today(now)
    mine = my_filings_for(user=user, now=now)
    filed = (
        daily_report_list_for(user=user).filter(grid_point_id=user.grid_point_id, day=today).first()
    )
    context = {"mine": mine, "today": today, "filed": filed}
    if filed is not None:
        return render(request, "duty/daily_report.html", context)
    reports = reports_of_the_day(grid_point_id=user.grid_point_id, day=today).order_by("created_at")
    reports = reports.only("id", "case_number", "title")
    if request.method == "GET":
        context["form"] = DailyReportForm(reports=reports)
        return render(request, "duty/daily_report.html", context)
    form = DailyReportForm(request.POST, reports=reports)
    if form.is_valid():
        try:
            report = daily_report_file(
                by=user,
                items=form.items(),
                nothing_to_report=form.cleaned_data["nothing_to_report"],
                note=form.cleaned_data["note"],
                day=today,
                now=now,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except AlreadyFiled as exc:
            messages.info(request, str(exc))
            return redirect("duty-daily-report")
        else:
            if report.is_late:
                messages.warning(request, _("Daily report filed, after the deadline: late."))
            else:
                messages.success(request, _("Daily report filed on time."))
            return redirect("duty-daily-report")
    context["form"] = form
    return render(request, "duty/daily_report.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def risk_points_page(request: HttpRequest) -> HttpResponse:
    """This month's risk-point list of the person's grid point: the form, or what was filed."""
    user = request.user
    _filer(user)
    now = timezone.now()
    month = month_start(local_today(now))
    mine = my_filings_for(user=user, now=now)
    filed = (
        risk_point_list_for(user=user).filter(grid_point_id=user.grid_point_id, month=month).first()
    )
    context = {"mine": mine, "month": month, "filed": filed}
    if filed is not None:
        return render(request, "duty/risk_points.html", context)
    if request.method == "GET":
        context["form"] = RiskPointsForm()
        return render(request, "duty/risk_points.html", context)
    form = RiskPointsForm(request.POST)
    if form.is_valid():
        try:
            risk_list = risk_points_file(
                by=user,
                items=form.items(),
                nothing_found=form.cleaned_data["nothing_found"],
                note=form.cleaned_data["note"],
                month=month,
                now=now,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except AlreadyFiled as exc:
            messages.info(request, str(exc))
            return redirect("duty-risk-points")
        else:
            if risk_list.is_late:
                messages.warning(request, _("Risk points filed, after the deadline: late."))
            else:
                messages.success(request, _("Risk points filed on time."))
            return redirect("duty-risk-points")
    context["form"] = form
    return render(request, "duty/risk_points.html", context, status=400)


def _overview_params(request: HttpRequest) -> tuple[OverviewForm, date, int | None, str]:
    form = OverviewForm(request.GET or None)
    today = local_today(timezone.now())
    if form.is_bound and not form.is_valid():
        return form, today, None, ""
    data = form.cleaned_data if form.is_bound else {}
    day = data.get("date") or today
    return form, min(day, today), data.get("county"), data.get("status") or ""


@login_required
@require_http_methods(["GET"])
def overview_page(request: HttpRequest) -> HttpResponse:
    """Who has filed, who is late, who is missing: a county's grid points (county admins, or
    a county the city opened), or every county of the city (duty officers, leaders)."""
    user = request.user
    if not sees_overview(user):
        raise PermissionDenied(_("Only county admins, the city platform and leaders see this."))
    form, day, county_id, status = _overview_params(request)
    county = overview_county_for(user, county_id)
    context = {
        "form": form,
        "day": day,
        "month": month_start(day),
        "today": local_today(timezone.now()),
        "county": county,
        "status": status,
        "is_county_admin": county is not None and user.region_id == county.pk,
        "daily_label": submission_kind(DAILY_REPORT).label,
        "risk_label": submission_kind(RISK_POINTS).label,
        "totals": overview_totals(user=user, day=day, county=county),
    }
    if county is not None:
        rows = county_overview(user=user, county=county, day=day, status=status or None)
        page = Paginator(rows, PAGE_SIZE).get_page(
            form.cleaned_data.get("page") if form.is_bound and form.is_valid() else 1
        )
        # Beside a late or missing daily report, the deduction it cost (one query a page).
        page.object_list = list(page.object_list)
        scored = [
            row["today_id"]
            for row in page.object_list
            if row["today"] in (SubmissionStatus.LATE, SubmissionStatus.MISSED)
        ]
        deductions = deductions_of_sources(
            user=user, source_model=ExpectedSubmission, source_ids=scored
        )
        for row in page.object_list:
            row["deduction"] = deductions.get(row["today_id"])
        context["page"] = page
    else:
        context["counties"] = city_overview(user=user, day=day)
    return render(request, "duty/overview.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def overview_remind(request: HttpRequest) -> HttpResponse:
    """Remind the grid points that have not filed (one kind, one period) — one click."""
    user = request.user
    if not sees_overview(user):
        raise PermissionDenied(_("Only county admins, the city platform and leaders see this."))
    kind = request.POST.get("kind", "")
    form = OverviewForm(request.POST)
    if kind not in (DAILY_REPORT, RISK_POINTS) or not form.is_valid():
        messages.error(request, _("Nothing was sent: the reminder's kind or day is not valid."))
        return redirect("duty-overview")
    today = local_today(timezone.now())
    day = min(form.cleaned_data.get("date") or today, today)
    county = overview_county_for(user, form.cleaned_data.get("county"))
    period = submission_kind(kind).period_of(day)
    points, people = expected_remind(
        by=user, kind=kind, period=period, county_id=county.pk if county else None
    )
    if people:
        messages.success(
            request,
            _("Reminder sent to %(people)s people at %(points)s grid points.")
            % {"people": people, "points": points},
        )
    elif points:
        messages.warning(
            request,
            _("%(points)s grid points have not filed, but nobody there can be reminded.")
            % {"points": points},
        )
    else:
        messages.info(request, _("Every grid point has filed: nobody to remind."))
    query = {"date": day.isoformat()}
    if county is not None and county.pk != user.region_id:
        query["county"] = county.pk
    return redirect(f"{reverse('duty-overview')}?{urlencode(query)}")
