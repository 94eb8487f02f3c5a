"""Directives API views: parse, call one service or selector, shape the answer.

Refusals come in the API's order: no such notice for you (404), the notice's state does not
allow it (409), you may not (403), bad input (400); their meaning is declared in
:mod:`grid.errors` (NoticeConflict is registered as 409 in DirectivesConfig.ready()).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from directives.api.serializers import (
    DirectiveCoverageSerializer,
    DirectiveForwardCreateSerializer,
    DirectiveNodeSerializer,
    DirectiveNoticeCreateSerializer,
    DirectiveNoticeDetailSerializer,
    DirectiveNoticeListSerializer,
    DirectiveReportSerializer,
)
from directives.models import Notice
from directives.selectors import (
    TRACKING_STATES,
    NoticeNotFound,
    may_follow,
    may_issue,
    notice_coverage,
    notice_for_reader,
    notice_tracking,
    notices_for,
    recipient_for,
    tracking_page,
    tracking_rows,
)
from directives.services import (
    notice_acknowledge,
    notice_forward,
    notice_issue,
    notice_report,
)
from grid.api.pagination import StandardPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer

TAGS = ["notices"]
PARSERS = [JSONParser, MultiPartParser, FormParser]
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such notice for you.")
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="The notice does not ask this, or your node already did it."
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may not do this.")
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field.")
BOX = OpenApiParameter(
    "box",
    OpenApiTypes.STR,
    enum=["inbox", "issued"],
    description="`inbox`: notices sent to your node (the default for grid point people and "
    "unit liaisons); `issued`: those you follow (issued by you or within your jurisdiction; "
    "the default for duty officers, county admins and leaders).",
)
STATE = OpenApiParameter(
    "state",
    OpenApiTypes.STR,
    enum=list(TRACKING_STATES),
    description="`late`: past a deadline without doing what it asks; `outstanding`: still "
    "owing something; `done`: nothing left to do.",
)


def _detail(request: Request, notice: Notice, recipient) -> dict:
    context = {"request": request, "recipient": recipient}
    if may_follow(request.user, notice):
        context["tracking"] = notice_tracking(notice=notice, now=timezone.now())
    return DirectiveNoticeDetailSerializer(notice, context=context).data


class NoticeListView(generics.ListAPIView):
    """The caller's notices (GET) and issuing one (POST)."""

    queryset = Notice.objects.none()
    pagination_class = StandardPagination
    serializer_class = DirectiveNoticeListSerializer
    parser_classes = PARSERS

    @extend_schema(
        tags=TAGS,
        summary="Notices sent to you or followed by you",
        parameters=[BOX],
        responses={
            200: DirectiveNoticeListSerializer(many=True),
            400: INVALID,
            404: PAGE_NOT_FOUND,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        box = request.query_params.get("box") or ("issued" if may_issue(request.user) else "inbox")
        if box not in ("inbox", "issued"):
            raise ValidationError({"box": [_("Choose inbox or issued.")]})
        page = self.paginate_queryset(notices_for(user=request.user, box=box))
        return self.get_paginated_response(DirectiveNoticeListSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Issue a notice",
        description=DirectiveNoticeCreateSerializer.__doc__,
        request={
            "application/json": DirectiveNoticeCreateSerializer,
            "multipart/form-data": DirectiveNoticeCreateSerializer,
        },
        responses={201: DirectiveNoticeDetailSerializer, 403: FORBIDDEN, 400: INVALID},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        if not may_issue(request.user):
            raise PermissionDenied(
                _("Only duty officers, county admins and leaders issue notices.")
            )
        payload = DirectiveNoticeCreateSerializer(data=request.data, user=request.user)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        notice = notice_issue(by=request.user, now=timezone.now(), **data)
        notice, recipient = notice_for_reader(user=request.user, notice_id=notice.pk)
        return Response(_detail(request, notice, recipient), status=201)


class NoticeDetailView(generics.GenericAPIView):
    queryset = Notice.objects.none()
    serializer_class = DirectiveNoticeDetailSerializer

    @extend_schema(
        tags=TAGS,
        summary="A notice, with its tracking counts if you follow it",
        responses={200: DirectiveNoticeDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
        return Response(_detail(request, notice, recipient))


class NoticeNodesView(generics.ListAPIView):
    queryset = Notice.objects.none()
    pagination_class = StandardPagination
    serializer_class = DirectiveNodeSerializer

    @extend_schema(
        tags=TAGS,
        summary="A notice's nodes: who acknowledged, who reported, who is late",
        parameters=[STATE],
        responses={
            200: DirectiveNodeSerializer(many=True),
            400: INVALID,
            404: OpenApiResponse(
                ErrorSerializer, description="No such notice you follow, or no such page."
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        notice, _recipient = notice_for_reader(user=request.user, notice_id=pk)
        if not may_follow(request.user, notice):
            raise NoticeNotFound
        state = request.query_params.get("state", "all")
        if state not in TRACKING_STATES:
            raise ValidationError({"state": [_("Choose one of: %s.") % ", ".join(TRACKING_STATES)]})
        rows = tracking_rows(notice=notice, now=timezone.now(), state=state)
        page = tracking_page(self.paginate_queryset(rows.values_list("pk", flat=True)))
        return self.get_paginated_response(DirectiveNodeSerializer(page, many=True).data)


class NoticeAcknowledgeView(generics.GenericAPIView):
    queryset = Notice.objects.none()
    serializer_class = DirectiveNoticeDetailSerializer

    @extend_schema(
        tags=TAGS,
        summary="Acknowledge a notice for your node",
        request=None,
        responses={200: DirectiveNoticeDetailSerializer, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        notice_acknowledge(notice_id=pk, by=request.user, now=timezone.now())
        notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
        return Response(_detail(request, notice, recipient))


class NoticeReportView(generics.GenericAPIView):
    queryset = Notice.objects.none()
    serializer_class = DirectiveReportSerializer
    parser_classes = PARSERS

    @extend_schema(
        tags=TAGS,
        summary="Report completion for your node",
        request={
            "application/json": DirectiveReportSerializer,
            "multipart/form-data": DirectiveReportSerializer,
        },
        responses={
            200: DirectiveNoticeDetailSerializer,
            404: NOT_FOUND,
            409: CONFLICT,
            400: INVALID,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        text = request.data.get("text") if hasattr(request.data, "get") else None
        files = request.FILES.getlist("attachments") if request.FILES else []
        notice_report(
            notice_id=pk,
            by=request.user,
            now=timezone.now(),
            text=text if isinstance(text, str) else "",
            attachments=files,
        )
        notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
        return Response(_detail(request, notice, recipient))


class NoticeForwardView(generics.GenericAPIView):
    queryset = Notice.objects.none()
    serializer_class = DirectiveForwardCreateSerializer
    parser_classes = PARSERS

    @extend_schema(
        tags=TAGS,
        summary="Mark a push forwarded for your node (once), with where and a screenshot",
        description=DirectiveForwardCreateSerializer.__doc__,
        request={
            "multipart/form-data": DirectiveForwardCreateSerializer,
            "application/json": DirectiveForwardCreateSerializer,
        },
        responses={
            200: DirectiveNoticeDetailSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The notice is not one to forward, or your node already marked it.",
            ),
            400: INVALID,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        recipient_for(user=request.user, notice_id=pk)  # 404 before 400
        payload = DirectiveForwardCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        notice_forward(notice_id=pk, by=request.user, now=timezone.now(), **payload.validated_data)
        notice, recipient = notice_for_reader(user=request.user, notice_id=pk)
        return Response(_detail(request, notice, recipient))


COUNTY = OpenApiParameter(
    "county",
    OpenApiTypes.INT,
    description="A county's id: its townships instead of the counties.",
)


class NoticeCoverageView(generics.ListAPIView):
    queryset = Notice.objects.none()
    pagination_class = StandardPagination
    serializer_class = DirectiveCoverageSerializer

    @extend_schema(
        tags=TAGS,
        summary="A push's coverage: nodes that forwarded it, by county or by township",
        parameters=[COUNTY],
        responses={
            200: DirectiveCoverageSerializer(many=True),
            400: INVALID,
            404: OpenApiResponse(
                ErrorSerializer, description="No such push you follow, or no such page."
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        notice, _recipient = notice_for_reader(user=request.user, notice_id=pk)
        if not may_follow(request.user, notice) or not notice.is_push:
            raise NoticeNotFound
        raw = request.query_params.get("county")
        county_id = None
        if raw is not None:
            if not raw.isdigit():
                raise ValidationError({"county": [_("Give a county's id.")]})
            county_id = int(raw)
        rows = notice_coverage(notice=notice, county_id=county_id)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DirectiveCoverageSerializer(page, many=True).data)
