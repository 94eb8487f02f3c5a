"""Ledger API, under /api/v1/ledger/ (names ``directives_api:…``): scoped like the page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directives.ledger import rules, services
from directives.ledger.models import LedgerEntry
from directives.ledger.selectors import ledger_entry_for, ledger_for, units_of, with_cases
from grid import audit
from grid.api.pagination import CappedPagination
from grid.api.serializers import PAGE_NOT_FOUND
from grid.models import AccessKind
from reports.api.views import ERRORS

TAGS = ["ledger"]


class LinkSerializer(serializers.Serializer):
    case_id = serializers.IntegerField(source="report.pk")
    case_number = serializers.CharField(source="report.case_number")
    status = serializers.CharField(source="report.status")
    kind = serializers.CharField(help_text="origin, same_source, duplicate or manual.")
    linked_at = serializers.DateTimeField()


class LedgerEntrySerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.name")
    case_id = serializers.IntegerField(source="report_id")
    opened_by = serializers.CharField(source="opened_by.get_full_name")
    cases = LinkSerializer(source="links.all", many=True)
    units = serializers.SerializerMethodField()
    last_movement = serializers.SerializerMethodField()
    on_ledger = serializers.BooleanField(source="is_open")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "matter",
            "reason",
            "county",
            "case_id",
            "cases",
            "units",
            "opened_by",
            "opened_at",
            "last_movement",
            "next_follow_up",
            "on_ledger",
            "closed_at",
            "assessment",
        ]

    def get_units(self, obj) -> list[str]:
        return units_of(obj)

    def get_last_movement(self, obj) -> str:
        return getattr(obj, "last_movement", obj.moved_at).isoformat()


STATE = OpenApiParameter(
    "state", OpenApiTypes.STR, enum=["open", "closed"], description="Followed (default) or off."
)
COUNTY = OpenApiParameter(
    "county", OpenApiTypes.INT, description="One county's ledger (a county you may see)."
)
PutOnRequest = inline_serializer(
    "LedgerPutOnRequest",
    {
        "case": serializers.IntegerField(),
        "reason": serializers.CharField(),
        "matter": serializers.CharField(required=False),
        "next_follow_up": serializers.DateField(required=False, allow_null=True),
    },
)
FollowUpRequest = inline_serializer(
    "LedgerFollowUpRequest",
    {
        "note": serializers.CharField(),
        "next_follow_up": serializers.DateField(required=False, allow_null=True),
    },
)
TakeOffRequest = inline_serializer("LedgerTakeOffRequest", {"assessment": serializers.CharField()})
LinkRequest = inline_serializer("LedgerLinkRequest", {"case": serializers.IntegerField()})
STEP_ERRORS = {400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]}


def _reader(request: Request) -> None:
    if not rules.may_read(request.user):
        raise PermissionDenied(_("The ledger is for duty officers, county admins and leaders."))


def _case_id(data) -> int:
    value = data.get("case") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError({"case": [_("Give the id of a case.")]})
    return value


def _entry(request: Request, pk: int) -> dict:
    return LedgerEntrySerializer(ledger_entry_for(user=request.user, entry_id=pk)).data


class LedgerListView(generics.GenericAPIView):
    """The key matters (GET) and putting a case on the ledger (POST)."""

    queryset = LedgerEntry.objects.none()
    pagination_class = CappedPagination
    serializer_class = LedgerEntrySerializer
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="The key-matter ledger",
        description="Matters still followed (`state=open`) or taken off, of the caller's "
        "jurisdiction or one county, newest first, with their linked cases, units, when opened, "
        "the last movement (the matter's or any of its cases' latest step) and the next "
        "follow-up. Duty officers, county admins and leaders.",
        parameters=[STATE, COUNTY],
        responses={
            200: LedgerEntrySerializer(many=True),
            400: ERRORS[400],
            403: ERRORS[403],
            404: PAGE_NOT_FOUND,
        },
    )
    def get(self, request: Request) -> Response:
        _reader(request)
        params = request.query_params
        entries = ledger_for(
            user=request.user, state=params.get("state") or "open", county=params.get("county")
        )
        page = with_cases(list(self.paginate_queryset(entries)))
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[e.report_id for e in page])
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Put a case on the ledger",
        description="A duty officer or a leader whose jurisdiction holds the case; 409 if it is "
        "on the ledger already. `matter` defaults to the case's title.",
        request=PutOnRequest,
        responses={201: LedgerEntrySerializer, **STEP_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        entry = services.ledger_put_on(report_id=_case_id(data), by=request.user, data=data)
        return Response(_entry(request, entry.pk), status=201)


class LedgerDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A key matter",
        responses={200: LedgerEntrySerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        _reader(request)
        body = _entry(request, pk)
        audit.record(request, kind=AccessKind.CASE_READ, case_ids=[body["case_id"]])
        return Response(body)


class FollowUpView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Follow a matter up",
        description="What was found, and the next follow-up date. Duty officers, county admins "
        "and leaders of its place; 409 once it is off the ledger.",
        request=FollowUpRequest,
        responses={200: LedgerEntrySerializer, **STEP_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        services.ledger_follow_up(entry_id=pk, by=request.user, data=data)
        return Response(_entry(request, pk))


class TakeOffView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Take a matter off the ledger",
        description="A leader settles it with a closing assessment; 409 if it is off already.",
        request=TakeOffRequest,
        responses={200: LedgerEntrySerializer, **STEP_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        services.ledger_take_off(entry_id=pk, by=request.user, data=data)
        return Response(_entry(request, pk))


class LinkView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Link a case to a matter",
        description="Another report of the same matter, linked by hand (reports of a source "
        "the matter's cases have, and duplicates merged into them, are linked by themselves).",
        request=LinkRequest,
        responses={201: LedgerEntrySerializer, **STEP_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        services.ledger_link(entry_id=pk, report_id=_case_id(data), by=request.user)
        return Response(_entry(request, pk), status=201)


urlpatterns = [
    path("ledger/", LedgerListView.as_view(), name="ledger-list"),
    path("ledger/<int:pk>/", LedgerDetailView.as_view(), name="ledger-detail"),
    path("ledger/<int:pk>/follow-up/", FollowUpView.as_view(), name="ledger-follow-up"),
    path("ledger/<int:pk>/take-off/", TakeOffView.as_view(), name="ledger-take-off"),
    path("ledger/<int:pk>/links/", LinkView.as_view(), name="ledger-links"),
]
