"""Duty API views (/api/v1/duty/…): parse, call one service or selector, shape the answer.

Refusals are the services' (``grid.errors``), in the product's order: 404 outside the
jurisdiction, 409 the duty's moment or state, 403 not yours to do, 400 a bad payload.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from duty import services
from duty.models import DutyDay, Handover, LogEntry, Swap
from duty.parse import as_date, as_id
from duty.rosters import selectors
from duty.rosters.api.serializers import (
    AbsenceCreateSerializer,
    AbsenceSerializer,
    AcknowledgeSerializer,
    DaySetSerializer,
    DutyDaySerializer,
    GeneratedSerializer,
    GenerateSerializer,
    HandoverCreateSerializer,
    HandoverSerializer,
    LogCreateSerializer,
    LogEntrySerializer,
    ShiftSerializer,
    SwapCreateSerializer,
    SwapDecideSerializer,
    SwapSerializer,
)
from duty.rosters.filters import DayFilter, HandoverFilter, LogFilter, SwapFilter
from duty.services.handovers import handover_acknowledge, handover_submit
from grid.api.pagination import CappedPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer

TAGS = ["duty"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="You may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such duty in your jurisdiction."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The duty's moment or state does not allow it (`duty_conflict`).",
    ),
}
LIST_ERRORS = {400: ERRORS[400], 404: PAGE_NOT_FOUND}


def _act(service: Callable, request: Request, **kwargs):
    return service(by=request.user, now=timezone.now(), **kwargs)


def _desk(request: Request):
    """The grid point or platform a payload names (404 outside the jurisdiction)."""
    data = request.data if isinstance(request.data, dict) else {}
    if data.get("grid_point") not in (None, ""):
        kind, pk = "point", as_id(data.get("grid_point"), "grid_point")
    elif data.get("unit") not in (None, ""):
        kind, pk = "platform", as_id(data.get("unit"), "unit")
    else:
        raise ValidationError({"grid_point": [_("Name a grid point or the platform (unit).")]})
    desk = selectors.desk_of(user=request.user, kind=kind, pk=pk)
    if desk is None:
        raise Http404(_("No such duty desk in your jurisdiction."))
    return desk


def _get(data, name, default=None):
    return data.get(name, default) if isinstance(data, dict) else default


def _list(data, name):
    value = _get(data, name, [])
    if hasattr(data, "getlist") and not isinstance(value, list):
        return data.getlist(name)
    return value


class _Listed(generics.ListAPIView):
    filter_backends = [DjangoFilterBackend]
    pagination_class = CappedPagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Roster days",
        description=(
            "The roster days of the grid points and platforms in your jurisdiction (people of a "
            "grid point: their own point's), newest first, with the people on duty and their "
            "clock-ins."
        ),
        responses={200: DutyDaySerializer(many=True), **LIST_ERRORS},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Set a roster day",
        description=(
            "Who is on duty at a grid point (or the city platform) on a date, and the leader on "
            "duty. For the point's person in charge or an admin; a day that is over is history "
            "(409)."
        ),
        request=DaySetSerializer,
        responses={200: DutyDaySerializer, **ERRORS},
    ),
)
class DayListView(_Listed):
    queryset = DutyDay.objects.none()
    serializer_class = DutyDaySerializer
    filterset_class = DayFilter

    def get_queryset(self):
        return selectors.days_for(user=self.request.user)

    def post(self, request: Request) -> Response:
        desk = _desk(request)
        day = _act(
            services.roster_set_day,
            request,
            desk=desk,
            day=_get(request.data, "date"),
            people=_list(request.data, "people"),
            leader_id=_get(request.data, "leader"),
        )
        day = selectors.day_for(user=request.user, day_id=day.pk)
        return Response(DutyDaySerializer(day, context={"now": timezone.now()}).data)


@extend_schema(
    tags=TAGS, summary="A roster day", responses={200: DutyDaySerializer, 404: ERRORS[404]}
)
class DayDetailView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        day = selectors.day_for(user=request.user, day_id=pk)
        return Response(DutyDaySerializer(day, context={"now": timezone.now()}).data)


@extend_schema(
    tags=TAGS,
    summary="Fill a month from a rotation",
    description=(
        "The people in order, `per_day` a day, round and round (the leaders likewise); days "
        "already on the roster and days over are kept. For the desk's person in charge or an admin."
    ),
    request=GenerateSerializer,
    responses={200: GeneratedSerializer, **ERRORS},
)
class GenerateView(APIView):
    def post(self, request: Request) -> Response:
        desk = _desk(request)
        month = _get(request.data, "month")
        try:
            first = as_date(f"{month}-01", "month")
        except ValidationError:
            raise ValidationError({"month": [_("A month as YYYY-MM.")]}) from None
        written = _act(
            services.roster_generate,
            request,
            desk=desk,
            month=first,
            people=_list(request.data, "people"),
            leaders=_list(request.data, "leaders") or [],
            per_day=_get(request.data, "per_day", 1),
        )
        return Response({"written": written})


@extend_schema(
    tags=TAGS,
    summary="Clock in",
    description=(
        "The person on duty arrives (once; from an hour before the start; late after the start)."
    ),
    request=None,
    responses={200: ShiftSerializer, **ERRORS},
)
class ClockInView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        shift = _act(services.shift_clock_in, request, shift_id=pk)
        shift.away = []
        return Response(ShiftSerializer(shift, context={"now": timezone.now()}).data)


@extend_schema(
    tags=TAGS,
    summary="Declare a short absence",
    description="During the duty, with the reason and where one can be found.",
    request=AbsenceCreateSerializer,
    responses={201: AbsenceSerializer, **ERRORS},
)
class AbsenceCreateView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        absence = _act(
            services.absence_declare,
            request,
            shift_id=pk,
            reason=_get(request.data, "reason"),
            whereabouts=_get(request.data, "whereabouts"),
        )
        return Response(AbsenceSerializer(absence).data, status=201)


@extend_schema(
    tags=TAGS, summary="End an absence", request=None, responses={200: AbsenceSerializer, **ERRORS}
)
class AbsenceEndView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        return Response(AbsenceSerializer(_act(services.absence_end, request, absence_id=pk)).data)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Swap requests",
        description="Of the rosters in your jurisdiction, newest first.",
        responses={200: SwapSerializer(many=True), **LIST_ERRORS},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Ask for a swap",
        description=(
            "The person on duty names the colleague who takes their duty (before it begins); the "
            "person in charge decides."
        ),
        request=SwapCreateSerializer,
        responses={201: SwapSerializer, **ERRORS},
    ),
)
class SwapListView(_Listed):
    queryset = Swap.objects.none()
    serializer_class = SwapSerializer
    filterset_class = SwapFilter

    def get_queryset(self):
        return selectors.swaps_for(user=self.request.user)

    def post(self, request: Request) -> Response:
        data = request.data
        shift_id = as_id(_get(data, "shift"), "shift")
        swap = _act(
            services.swap_request,
            request,
            shift_id=shift_id,
            colleague_id=_get(data, "colleague"),
            reason=_get(data, "reason"),
        )
        return Response(SwapSerializer(swap).data, status=201)


@extend_schema(
    tags=TAGS,
    summary="Decide a swap",
    description="Approved, the colleague takes the shift (recorded on it).",
    request=SwapDecideSerializer,
    responses={200: SwapSerializer, **ERRORS},
)
class SwapDecideView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        swap = _act(
            services.swap_decide,
            request,
            swap_id=pk,
            approve=_get(request.data, "approve"),
            note=_get(request.data, "note", ""),
        )
        return Response(SwapSerializer(swap).data)


@extend_schema(
    tags=TAGS,
    summary="Withdraw a swap request",
    request=None,
    responses={200: SwapSerializer, **ERRORS},
)
class SwapWithdrawView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        return Response(SwapSerializer(_act(services.swap_withdraw, request, swap_id=pk)).data)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="A day's duty log",
        description=(
            "In time order; append-only (corrections are entries naming the entry they correct)."
        ),
        responses={200: LogEntrySerializer(many=True), **LIST_ERRORS, 404: ERRORS[404]},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Add a log entry",
        description="By a person on duty or the leader on duty, from the duty's start.",
        request=LogCreateSerializer,
        responses={201: LogEntrySerializer, **ERRORS},
    ),
)
class LogView(_Listed):
    queryset = LogEntry.objects.none()
    serializer_class = LogEntrySerializer
    filterset_class = LogFilter

    def get_queryset(self):
        day = DutyDay.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if day is None:
            raise Http404(_("No such duty in your jurisdiction."))
        return selectors.log_for(day=day)

    def post(self, request: Request, pk: int) -> Response:
        data = request.data
        entry = _act(
            services.log_append,
            request,
            day_id=pk,
            kind=_get(data, "kind"),
            text=_get(data, "text"),
            occurred_at=_get(data, "occurred_at"),
            corrects_id=_get(data, "corrects"),
        )
        return Response(LogEntrySerializer(entry).data, status=201)


@extend_schema(
    tags=TAGS,
    summary="Hand over",
    description=(
        "The outgoing person on duty, before the deadline (the next duty's start): the log "
        "summary, unfinished work and points to watch; the open cases they hold are listed with it."
    ),
    request=HandoverCreateSerializer,
    responses={201: HandoverSerializer, **ERRORS},
)
class HandoverSubmitView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        data = request.data
        handover = _act(
            handover_submit,
            request,
            day_id=pk,
            log_summary=_get(data, "log_summary"),
            unfinished=_get(data, "unfinished", ""),
            points_to_watch=_get(data, "points_to_watch", ""),
        )
        return Response(HandoverSerializer(handover).data, status=201)


@extend_schema(
    tags=TAGS,
    summary="Acknowledge a handover",
    description=(
        "By a person on the incoming duty; after the deadline the handover counts as missed."
    ),
    request=AcknowledgeSerializer,
    responses={200: HandoverSerializer, **ERRORS},
)
class HandoverAcknowledgeView(APIView):
    def post(self, request: Request, pk: int) -> Response:
        handover = _act(
            handover_acknowledge, request, handover_id=pk, note=_get(request.data, "note", "")
        )
        return Response(HandoverSerializer(handover).data)


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Handovers",
        description="Of the rosters in your jurisdiction, latest first.",
        responses={200: HandoverSerializer(many=True), **LIST_ERRORS},
    )
)
class HandoverListView(_Listed):
    queryset = Handover.objects.none()
    serializer_class = HandoverSerializer
    filterset_class = HandoverFilter

    def get_queryset(self):
        return selectors.handovers_for(user=self.request.user).prefetch_related("cases")
