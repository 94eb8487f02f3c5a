"""My duties, the swap requests, and the leaders' watch of a day's clock-ins and handovers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duty import services
from duty.parse import as_date
from duty.rosters import selectors
from duty.rosters.selectors import ClockIn, clock_in_state
from duty.rosters.views.common import flash_errors, run
from duty.rules import may_watch
from duty.times import duty_date_at
from grid.models import GRID_POINT_ROLES
from grid.pagination import CappedPaginator

PAGE_SIZE = 25


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    duties = selectors.next_duties_for(user=user, now=now, limit=30)
    desk = None
    if user.role in GRID_POINT_ROLES and user.grid_point_id:
        desk = ("point", user.grid_point_id, user.grid_point.name)
    else:
        platform = selectors.platform_of(user)
        if platform is not None:
            desk = ("platform", platform.pk, platform.name)
    context = {
        "duties": duties,
        "desk": desk,
        "my_swaps": list(selectors.swaps_for(user=user).filter(requester=user)[:10]),
        "to_decide": selectors.swaps_to_decide_for(user=user).count(),
        "watch": may_watch(user),
    }
    return render(request, "duty/mine.html", context)


@require_GET
@login_required
def swaps(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = CappedPaginator(selectors.swaps_to_decide_for(user=user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "duty/swaps.html", {"page": page, "now": timezone.now()})


@require_POST
@login_required
def swap_decide(request: HttpRequest, swap_id: int) -> HttpResponse:
    swap, errors = run(
        request,
        services.swap_decide,
        swap_id=swap_id,
        approve=request.POST.get("approve"),
        note=request.POST.get("note"),
    )
    if errors:
        flash_errors(request, errors)
    elif swap.state == "approved":
        messages.success(request, _("Swap approved: the roster now names the colleague."))
    else:
        messages.success(request, _("Swap rejected."))
    return redirect(request.POST.get("next") or "duty-swaps")


@require_POST
@login_required
def swap_withdraw(request: HttpRequest, swap_id: int) -> HttpResponse:
    _swap, errors = run(request, services.swap_withdraw, swap_id=swap_id)
    if errors:
        flash_errors(request, errors)
    else:
        messages.success(request, _("Swap request withdrawn."))
    return redirect("duty-mine")


@require_GET
@login_required
def watch(request: HttpRequest) -> HttpResponse:
    """The day's duties a leader watches: who clocked in, late or not at all, who is away,
    and whether the 09:00 handover was given and taken."""
    user, now = request.user, timezone.now()
    if not may_watch(user):
        raise PermissionDenied(_("The duty watch is for leaders on duty and roster keepers."))
    try:
        day = as_date(request.GET["date"], "date") if request.GET.get("date") else duty_date_at(now)
    except ValidationError:  # a bad date shows the duty of now
        day = duty_date_at(now)
    mine_only = request.GET.get("mine") == "1"
    page = CappedPaginator(
        selectors.watch_for(user=user, day=day, mine=mine_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = []
    for duty in page.object_list:
        people = []
        for shift in duty.shifts.all():
            state = clock_in_state(
                clocked_in_at=shift.clocked_in_at, starts_at=duty.starts_at, now=now
            )
            people.append(
                {
                    "shift": shift,
                    "state": state,
                    "label": ClockIn.LABELS[state],
                    "away": shift.away[0] if shift.away else None,
                }
            )
        handover = getattr(duty, "taken_over", None)
        rows.append(
            {
                "day": duty,
                "people": people,
                "handover": handover,
                "handover_state": _handover_state(handover, duty, now),
            }
        )
    return render(
        request,
        "duty/watch.html",
        {
            "page": page,
            "rows": rows,
            "date": day,
            "mine": mine_only,
            "now": now,
            "prev": day - timezone.timedelta(days=1),
            "next": day + timezone.timedelta(days=1),
        },
    )


def _handover_state(handover, day, now) -> tuple[str, str]:
    """(css class, words) of the handover that began ``day``."""
    from duty.times import handover_due

    due = handover.due_at if handover is not None else handover_due(day.date)
    if handover is not None and handover.acknowledged_at is not None:
        if handover.acknowledged_at < due:
            return "ok", _("Handed over and acknowledged")
        return "late", _("Acknowledged after the deadline: missed")
    if now >= due:
        return "late", _("Missed: not handed over") if handover is None else _(
            "Missed: not acknowledged"
        )
    return "wait", _("Not yet handed over") if handover is None else _("Awaiting acknowledgement")
