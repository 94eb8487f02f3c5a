"""Dispatch API views: parse, call one service or selector, shape the answer.

What a refusal means (404, 409, 403, 400) is declared once in :mod:`grid.errors`; reads and
refused attempts are recorded in the access log (:mod:`grid.audit`), as for reports.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.api.serializers import (
    CaseDispatchSerializer,
    ConsoleRowSerializer,
    InboxRowSerializer,
    MajorCaseSerializer,
    NoticeListSerializer,
    RouteSuggestionsSerializer,
)
from dispatch.deadlines import routing_deadlines
from dispatch.filters import ConsoleFilter, InboxFilter
from dispatch.models import Handler, MajorAcknowledgement, SupervisionNotice
from dispatch.selectors import (
    case_dispatch_for,
    console_list_for,
    inbox_for,
    major_cases_unacknowledged_for,
    may_use_console,
    may_use_inbox,
    route_suggestions_for,
    supervision_notices_for,
    with_routings,
)
from dispatch.services import dispatch_act, dispatch_available_actions
from dispatch.workflow import ACTIONS
from grid import audit
from grid.api.pagination import CappedPagination, StandardPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer
from grid.models import AccessKind
from grid.pagination import COUNT_CAP
from reports.api.payloads import payload_serializer
from reports.api.serializers import LIST_COLUMNS
from reports.api.views import ERRORS
from reports.models import Grade, Report
from reports.selectors import report_detail_for, with_related_numbers

TAGS = ["dispatch"]
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not your list.")
CAPPED = (
    f"Counted exactly up to {COUNT_CAP:,} items past the page asked for; beyond, `count_exact` "
    "is false, `count` a lower bound and `next` leads on."
)


def _validated(filterset, request: Request):
    if not filterset.is_valid():
        audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
        raise translate_validation(filterset.errors)
    return filterset


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="The city duty console",
        description="Escalated cases of the city (tab `escalated`, the default; `bounced`: those "
        "a unit sent back, with its reason), routed cases whose reply awaits review (`review`) "
        "or every routed case (`routed`), with the county queue's filters; `overdue` means a "
        "routing's claim or reply past due. For city duty officers. " + CAPPED,
        responses={
            200: ConsoleRowSerializer(many=True),
            400: ERRORS[400],
            403: FORBIDDEN,
            404: PAGE_NOT_FOUND,
        },
    )
)
class ConsoleView(generics.ListAPIView):
    """The duty console: scoped, filtered, paginated; bounded queries whatever the page size."""

    queryset = Report.objects.none()  # for the schema; the selector scopes every request
    filter_backends = [DjangoFilterBackend]
    filterset_class = ConsoleFilter
    pagination_class = CappedPagination
    serializer_class = ConsoleRowSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        user = request.user
        if not may_use_console(user):
            audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
            raise PermissionDenied(_("The duty console is for city duty officers."))
        filters = _validated(ConsoleFilter(request.query_params, request=request), request)
        cases = console_list_for(user=user, tab=filters.tab_value, filters=filters)
        cases = with_related_numbers(
            cases.only(*LIST_COLUMNS), user=user, fields=["likely_duplicate_of"]
        )
        page = with_routings(list(self.paginate_queryset(cases)))
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[r.pk for r in page])
        context = {"request": request, "now": timezone.now()}
        return self.get_paginated_response(
            ConsoleRowSerializer(page, many=True, context=context).data
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="A unit's inbox",
        description="The cases routed to the caller's unit as lead or co-handler while their "
        "routing runs, next deadline first (the claim's until claimed, then the reply's), with "
        "filters to claim, to answer, sent back, awaiting review and overdue. For unit "
        "liaisons. " + CAPPED,
        responses={
            200: InboxRowSerializer(many=True),
            400: ERRORS[400],
            403: FORBIDDEN,
            404: PAGE_NOT_FOUND,
        },
    )
)
class InboxView(generics.ListAPIView):
    """A unit's inbox: scoped to its unit and jurisdiction, bounded queries per page."""

    queryset = Handler.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = InboxFilter
    pagination_class = CappedPagination
    serializer_class = InboxRowSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        user = request.user
        if not may_use_inbox(user):
            audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
            raise PermissionDenied(_("The inbox is for unit liaisons."))
        filters = _validated(InboxFilter(request.query_params, request=request), request)
        page = self.paginate_queryset(inbox_for(user=user, filters=filters))
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[h.report_id for h in page])
        context = {"request": request, "now": timezone.now()}
        return self.get_paginated_response(
            InboxRowSerializer(page, many=True, context=context).data
        )


def _case_dispatch(request: Request, report: Report) -> dict:
    user = request.user
    now = timezone.now()
    panel = case_dispatch_for(user=user, report=report)
    if panel is None:
        raise PermissionDenied(_("Only staff read a case's routings."))
    available = dispatch_available_actions(user=user, report=report, now=now)
    data = {
        "case_id": report.pk,
        "routings": panel.routings,
        "my_acknowledgement": panel.my_acknowledgement,
    }
    return CaseDispatchSerializer(
        data, context={"request": request, "now": now, "available_actions": available}
    ).data


def _visible_case(request: Request, pk: int, *, kind: str) -> Report:
    try:
        report = report_detail_for(user=request.user, report_id=pk)
    except Report.DoesNotExist:
        audit.record(request, kind=kind, case_ids=[pk], allowed=False)
        raise
    return report


class CaseDispatchView(APIView):
    """A case's routings and what the caller may do on them now."""

    @extend_schema(
        tags=TAGS,
        summary="A case's routings",
        description="Every routing of the case, newest first: its units (lead and co-handling, "
        "when each claimed, their input), the replies and their reviews, extensions, the "
        "deadline clocks and supervision notices; and the dispatch actions the caller may take "
        "now. Staff only (403 for people of grid points).",
        responses={200: CaseDispatchSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        report = _visible_case(request, pk, kind=AccessKind.CASE_READ)
        audit.record(request, kind=AccessKind.CASE_READ, case_ids=[pk])
        return Response(_case_dispatch(request, report))


class RouteSuggestionsView(APIView):
    """Whom to route a case to, and the reply deadline the rule proposes per grade."""

    @extend_schema(
        tags=TAGS,
        summary="Suggestions for routing a case",
        description="The units that most often handled this category in this county in the last "
        "90 days, the county's own platform (for general cases), the emergency command centre "
        "(which leads difficult and sudden cases), and per grade the reply deadline the rule "
        "proposes (the officer may shorten it, not lengthen it). For city duty officers.",
        responses={200: RouteSuggestionsSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        report = _visible_case(request, pk, kind=AccessKind.CASE_READ)
        if not may_use_console(request.user):
            raise PermissionDenied(_("Routing is for city duty officers."))
        now = timezone.now()
        suggestions = route_suggestions_for(report=report, now=now)
        data = {
            "frequent": [
                {"unit": {"id": s.unit_id, "name": s.name}, "count": s.count}
                for s in suggestions.frequent
            ],
            "county_units": suggestions.county_units,
            "emergency_centre": suggestions.emergency_centre,
            "reply_due": {
                grade: routing_deadlines(start=now, grade=grade).reply for grade in Grade.values
            },
        }
        return Response(RouteSuggestionsSerializer(data, context={"request": request}).data)


class DispatchActionView(APIView):
    """Take one dispatch action (the subclass names it) on a case.

    The JSON body is the action's payload form (``dispatch.workflow``), validated by the
    service after the state and permission checks: an action the case's state does not allow
    answers 409 even with a bad payload.
    """

    parser_classes = [JSONParser]
    action_name = ""

    def post(self, request: Request, pk: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        try:
            dispatch_act(report_id=pk, by=request.user, name=self.action_name, data=data)
        except Exception as exc:
            if audit.is_refusal(exc):
                audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
            raise
        audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk])
        report = report_detail_for(user=request.user, report_id=pk)
        return Response(_case_dispatch(request, report))


def _action_view(name: str) -> type[DispatchActionView]:
    form = ACTIONS[name].payload
    view = type(
        f"Dispatch{name.title().replace('_', '')}View",
        (DispatchActionView,),
        {"action_name": name, "__doc__": form.__doc__},
    )
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"dispatch_action_{name}",
            tags=TAGS,
            summary=f"Action: {name}",
            description=form.__doc__,
            request=payload_serializer(form, f"dispatch_{name}"),
            responses={200: CaseDispatchSerializer, **ERRORS},
        )
    )(view)


ACTION_VIEWS: dict[str, type[DispatchActionView]] = {name: _action_view(name) for name in ACTIONS}


@extend_schema(exclude=True)
class UnknownActionView(APIView):
    """Any other action name: 404."""

    def post(self, request: Request, pk: int, name: str) -> Response:
        raise NotFound(_("No such action."))


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Major cases you have not acknowledged",
        description="The major cases the caller (a city leader or duty officer) was told of and "
        "has not acknowledged yet, newest first; acknowledge with the case's "
        "`acknowledge_major` action.",
        responses={200: MajorCaseSerializer(many=True), 404: PAGE_NOT_FOUND},
    )
)
class MajorCasesView(generics.ListAPIView):
    queryset = MajorAcknowledgement.objects.none()
    pagination_class = StandardPagination
    serializer_class = MajorCaseSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(major_cases_unacknowledged_for(user=request.user))
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[a.report_id for a in page])
        context = {"request": request}
        return self.get_paginated_response(
            MajorCaseSerializer(page, many=True, context=context).data
        )


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Supervision notices",
        description="Supervision notices (督办函) the caller may read, newest first: a unit "
        "liaison their unit's, staff those of cases in their jurisdiction. The unit records its "
        "written explanation with the case's `explain` action. " + CAPPED,
        responses={200: NoticeListSerializer(many=True), 404: PAGE_NOT_FOUND},
    )
)
class NoticeListView(generics.ListAPIView):
    queryset = SupervisionNotice.objects.none()
    pagination_class = CappedPagination
    serializer_class = NoticeListSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(supervision_notices_for(user=request.user))
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[n.report_id for n in page])
        context = {"request": request}
        return self.get_paginated_response(
            NoticeListSerializer(page, many=True, context=context).data
        )


class NoticeDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="One supervision notice",
        responses={200: NoticeListSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, notice_id: int) -> Response:
        notice = supervision_notices_for(user=request.user).filter(pk=notice_id).first()
        if notice is None:
            audit.record(request, kind=AccessKind.CASE_READ, allowed=False)
            raise NotFound(_("No such supervision notice."))
        audit.record(request, kind=AccessKind.CASE_READ, case_ids=[notice.report_id])
        return Response(NoticeListSerializer(notice, context={"request": request}).data)
