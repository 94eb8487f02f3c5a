"""A duty day's page and what is done on it: clock-in, absences, a swap request, the log,
the handover and its acknowledgement. A refused step draws the page again with its reason
beside what was typed (409 or 400); 404 and 403 are the product's pages."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duty import services
from duty.models import DutyDay, LogKind, SwapState
from duty.rosters import selectors
from duty.rosters.selectors import ClockIn, clock_in_state
from duty.rosters.views.common import run, status_of
from duty.rules import may_keep_roster, may_write_log, on_duty_candidates
from duty.services.handovers import handover_acknowledge, handover_submit
from duty.times import clock_in_opens, handover_opens
from reports.views.lists import is_htmx


def _context(request: HttpRequest, day, *, errors=None, typed=None, form="") -> dict:
    user, now = request.user, timezone.now()
    shifts = list(day.shifts.all())
    people = []
    mine = None
    for shift in shifts:
        state = clock_in_state(clocked_in_at=shift.clocked_in_at, starts_at=day.starts_at, now=now)
        row = {
            "shift": shift,
            "state": state,
            "label": ClockIn.LABELS[state],
            "away": shift.away[0] if shift.away else None,
        }
        people.append(row)
        if shift.person_id == user.pk:
            mine = row
    handover = selectors.handover_of(day=day)
    next_day = (
        type(day)
        .objects.filter(
            grid_point_id=day.grid_point_id, unit_id=day.unit_id, date=day.date + timedelta(days=1)
        )
        .prefetch_related("shifts")
        .first()
    )
    previous = selectors.handover_to(day=day)
    running = day.starts_at <= now < day.ends_at
    may_submit = (
        mine is not None
        and handover is None
        and next_day is not None
        and now >= handover_opens(next_day.starts_at)
    )
    held = list(selectors.held_cases_for(user=user)[: selectors.HELD_CASES]) if may_submit else []
    may_ack = previous is not None and previous.acknowledged_at is None and mine is not None
    keeper = may_keep_roster(user, day.desk)
    return {
        "day": day,
        "desk": day.desk,
        "people": people,
        "mine": mine,
        "now": now,
        "running": running,
        "over": now >= day.ends_at,
        "may_clock_in": mine is not None
        and mine["shift"].clocked_in_at is None
        and clock_in_opens(day.starts_at) <= now < day.ends_at,
        "may_swap": mine is not None and now < day.starts_at,
        "colleagues": on_duty_candidates(day.desk)
        .exclude(pk__in=[s.person_id for s in shifts])
        .order_by("name")
        if mine is not None and now < day.starts_at
        else [],
        "swaps": list(day.swaps.all()),
        "pending_swap": next(
            (
                s
                for s in day.swaps.all()
                if s.state == SwapState.PENDING and s.requester_id == user.pk
            ),
            None,
        ),
        "keeper": keeper,
        "may_log": may_write_log(user, day) and now >= day.starts_at,
        "log": list(selectors.log_for(day=day)),
        "kinds": LogKind.choices,
        "handover": handover,
        "next_day": next_day,
        "previous": previous,
        "may_submit": may_submit,
        "held": held,
        "may_ack": may_ack,
        "errors": errors or {},
        "typed": typed or {},
        "form": form,
        "roster_url": roster_url(day.desk, day.date),
    }


def roster_url(desk, date) -> str:
    kind = "point" if desk.__class__.__name__ == "GridPoint" else "platform"
    return reverse("duty-roster", args=[kind, desk.pk]) + f"?month={date:%Y-%m}"


def _page(request, day_id: int, *, errors=None, form="", status=None) -> HttpResponse:
    try:
        day = selectors.day_for(user=request.user, day_id=day_id)
    except DutyDay.DoesNotExist:
        raise Http404(_("No such duty in your jurisdiction.")) from None
    context = _context(request, day, errors=errors, typed=request.POST, form=form)
    return render(request, "duty/day.html", context, status=status or status_of(errors))


@require_GET
@login_required
def day_page(request: HttpRequest, day_id: int) -> HttpResponse:
    return _page(request, day_id)


def _done(request, day_id: int, message: str, *, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("duty-day", args=[day_id]) + anchor)


@require_POST
@login_required
def clock_in(request: HttpRequest, day_id: int, shift_id: int) -> HttpResponse:
    shift, errors = run(request, services.shift_clock_in, shift_id=shift_id)
    if errors:
        return _page(request, day_id, errors=errors, form="clock_in")
    at = timezone.localtime(shift.clocked_in_at).strftime("%H:%M:%S")
    return _done(request, day_id, _("Clocked in at %(time)s.") % {"time": at})


@require_POST
@login_required
def absence_declare(request: HttpRequest, day_id: int, shift_id: int) -> HttpResponse:
    _absence, errors = run(
        request,
        services.absence_declare,
        shift_id=shift_id,
        reason=request.POST.get("reason"),
        whereabouts=request.POST.get("whereabouts"),
    )
    if errors:
        return _page(request, day_id, errors=errors, form="absence")
    return _done(request, day_id, _("Your absence is declared. End it when you are back."))


@require_POST
@login_required
def absence_end(request: HttpRequest, day_id: int, absence_id: int) -> HttpResponse:
    _absence, errors = run(request, services.absence_end, absence_id=absence_id)
    if errors:
        return _page(request, day_id, errors=errors, form="absence")
    return _done(request, day_id, _("Welcome back: your absence has ended."))


@require_POST
@login_required
def swap_request(request: HttpRequest, day_id: int, shift_id: int) -> HttpResponse:
    _swap, errors = run(
        request,
        services.swap_request,
        shift_id=shift_id,
        colleague_id=request.POST.get("colleague"),
        reason=request.POST.get("reason"),
    )
    if errors:
        return _page(request, day_id, errors=errors, form="swap")
    return _done(request, day_id, _("Swap requested: it awaits approval."))


@require_POST
@login_required
def log_append(request: HttpRequest, day_id: int) -> HttpResponse:
    _entry, errors = run(
        request,
        services.log_append,
        day_id=day_id,
        kind=request.POST.get("kind"),
        text=request.POST.get("text"),
        occurred_at=request.POST.get("occurred_at"),
        corrects_id=request.POST.get("corrects"),
    )
    if is_htmx(request):
        day = selectors.day_for(user=request.user, day_id=day_id)
        context = _context(
            request, day, errors=errors, typed=request.POST if errors else {}, form="log"
        )
        return render(request, "duty/_log.html", context, status=status_of(errors))
    if errors:
        return _page(request, day_id, errors=errors, form="log")
    return _done(request, day_id, _("Entry added to the duty log."), anchor="#log")


@require_POST
@login_required
def handover_submit_view(request: HttpRequest, day_id: int) -> HttpResponse:
    _handover, errors = run(
        request,
        handover_submit,
        day_id=day_id,
        log_summary=request.POST.get("log_summary"),
        unfinished=request.POST.get("unfinished"),
        points_to_watch=request.POST.get("points_to_watch"),
    )
    if errors:
        return _page(request, day_id, errors=errors, form="handover")
    return _done(request, day_id, _("Handed over: the next person on duty acknowledges it."))


@require_POST
@login_required
def handover_acknowledge_view(request: HttpRequest, day_id: int, handover_id: int) -> HttpResponse:
    _handover, errors = run(
        request, handover_acknowledge, handover_id=handover_id, note=request.POST.get("note")
    )
    if errors:
        return _page(request, day_id, errors=errors, form="acknowledge")
    return _done(request, day_id, _("Handover acknowledged: the duty is yours."))
