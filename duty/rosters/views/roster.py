"""A desk's roster for a month (grid point or platform), written day by day or generated
from a rotation by the desk's person in charge or an admin."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from duty import services
from duty.rosters import selectors
from duty.rosters.selectors import ClockIn, clock_in_state
from duty.rosters.views.common import run, status_of
from duty.rules import leader_candidates, may_keep_roster, on_duty_candidates
from duty.services.rosters import month_days
from duty.times import local_date


def desk_for(request: HttpRequest, kind: str, pk: int):
    """The grid point or platform, if the person may see it (404 otherwise)."""
    desk = selectors.desk_of(user=request.user, kind=kind, pk=pk)
    if desk is None:
        raise Http404(_("No such duty desk in your jurisdiction."))
    return desk


def _month(value: str | None) -> date:
    today = local_date(timezone.now())
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


@require_http_methods(["GET", "POST"])
@login_required
def roster(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    desk = desk_for(request, kind, pk)
    month = _month(request.GET.get("month") or request.POST.get("month"))
    errors, form = None, ""
    if request.method == "POST":
        form = request.POST.get("action", "")
        if form == "generate":
            people = request.POST.getlist("people")
            start = request.POST.get("start")
            if start in people:  # the rotation begins with this person on day one
                people = people[people.index(start) :] + people[: people.index(start)]
            written, errors = run(
                request,
                services.roster_generate,
                desk=desk,
                month=month,
                people=people,
                leaders=request.POST.getlist("leaders"),
                per_day=request.POST.get("per_day") or 1,
            )
            if not errors:
                messages.success(
                    request, _("%(n)d days written from the rotation.") % {"n": written}
                )
        else:
            form = "day"
            _day, errors = run(
                request,
                services.roster_set_day,
                desk=desk,
                day=request.POST.get("date"),
                people=request.POST.getlist("people"),
                leader_id=request.POST.get("leader"),
            )
            if not errors:
                messages.success(
                    request,
                    _("The roster of %(date)s is saved.") % {"date": request.POST.get("date")},
                )
        if not errors:
            return redirect(f"{request.path}?month={month:%Y-%m}")
    now = timezone.now()
    dates = month_days(month)
    days = {
        d.date: d
        for d in selectors.desk_days_for(
            user=request.user, desk=desk, start=dates[0], end=dates[-1]
        )
    }
    rows = []
    for one in dates:
        day = days.get(one)
        people = []
        if day is not None:
            for shift in day.shifts.all():
                state = clock_in_state(
                    clocked_in_at=shift.clocked_in_at, starts_at=day.starts_at, now=now
                )
                people.append({"shift": shift, "state": state, "label": ClockIn.LABELS[state]})
        rows.append({"date": one, "day": day, "people": people, "today": one == local_date(now)})
    keeper = may_keep_roster(request.user, desk)
    prev_month = (month.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    next_month = dates[-1] + timezone.timedelta(days=1)
    context = {
        "desk": desk,
        "kind": kind,
        "month": month,
        "prev_month": prev_month,
        "next_month": next_month,
        "rows": rows,
        "keeper": keeper,
        "candidates": list(on_duty_candidates(desk).order_by("name")) if keeper else [],
        "leaders": list(leader_candidates(desk).order_by("name")) if keeper else [],
        "errors": errors or {},
        "typed": request.POST,
        "form": form,
    }
    return render(request, "duty/roster.html", context, status=status_of(errors))
