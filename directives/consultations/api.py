"""Consultation API, under /api/v1/reports/{id}/consultations/ (names ``directives_api:…``).

Refusals in the product's order (grid.errors): 404 no such case for you, 409 the
consultation's state (ConsultationConflict is a TransitionNotAllowed), 403, 400 with the
fields' errors.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directives.consultations import rules, services
from directives.consultations.models import Consultation
from directives.consultations.selectors import consultations_of
from grid import audit
from grid.models import AccessKind
from reports.api.views import ERRORS
from reports.models import Report
from reports.selectors import report_detail_for

TAGS = ["consultations"]


class InviteeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.SerializerMethodField()
    leader = serializers.IntegerField(source="leader_id", allow_null=True)
    leader_name = serializers.SerializerMethodField()

    def get_unit_name(self, obj) -> str | None:
        return obj.unit.name if obj.unit_id else None

    def get_leader_name(self, obj) -> str | None:
        return obj.leader.get_full_name() if obj.leader_id else None


class OpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invitee = serializers.IntegerField(source="invitee_id")
    author = serializers.CharField(source="author.get_full_name")
    unit_name = serializers.SerializerMethodField()
    text = serializers.CharField()
    at = serializers.DateTimeField()
    late = serializers.BooleanField(help_text="Given after the deadline.")

    def get_unit_name(self, obj) -> str | None:
        return obj.invitee.unit.name if obj.invitee.unit_id else None


class ConsultationSerializer(serializers.ModelSerializer):
    opened_by = serializers.CharField(source="opened_by.get_full_name")
    concluded_by = serializers.SerializerMethodField()
    routed_at = serializers.SerializerMethodField(
        help_text="When the case was routed on this conclusion (null until then)."
    )
    invitees = InviteeSerializer(many=True)
    opinions = OpinionSerializer(many=True, help_text="In the order given.")

    class Meta:
        model = Consultation
        fields = [
            "id",
            "state",
            "question",
            "opened_by",
            "opened_at",
            "due_at",
            "invitees",
            "opinions",
            "conclusion",
            "concluded_by",
            "concluded_at",
            "routed_at",
        ]

    def get_concluded_by(self, obj) -> str | None:
        return obj.concluded_by.get_full_name() if obj.concluded_by_id else None

    def get_routed_at(self, obj) -> str | None:
        return obj.route_event.at.isoformat() if obj.route_event_id else None


OpenRequest = inline_serializer(
    "ConsultationOpenRequest",
    {
        "question": serializers.CharField(),
        "due_at": serializers.DateTimeField(help_text="At least 30 minutes ahead, within 30 days."),
        "units": serializers.ListField(child=serializers.IntegerField(), required=False),
        "leaders": serializers.ListField(child=serializers.IntegerField(), required=False),
    },
)
OpinionRequest = inline_serializer("ConsultationOpinionRequest", {"text": serializers.CharField()})
ConcludeRequest = inline_serializer(
    "ConsultationConcludeRequest", {"conclusion": serializers.CharField()}
)
STEP_ERRORS = {400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]}


def _case(request: Request, pk: int, *, kind: str) -> Report:
    try:
        report = report_detail_for(user=request.user, report_id=pk)
    except Report.DoesNotExist:
        audit.record(request, kind=kind, case_ids=[pk], allowed=False)
        raise
    if not rules.may_read(request.user):
        raise PermissionDenied(_("Only staff read a case's consultations."))
    return report


def _consultations(report: Report) -> list:
    return ConsultationSerializer(consultations_of(report=report), many=True).data


class ConsultationListView(APIView):
    """A case's consultations, in order, with their invitees, opinions and conclusions."""

    @extend_schema(
        tags=TAGS,
        summary="A case's consultations",
        description="Every consultation of the case, oldest first, each with whom it invited, "
        "the views in the order given (`late` if after the deadline), the conclusion and when "
        "the case was routed on it. Staff who see the case (invited units while the "
        "consultation is open).",
        responses={200: ConsultationSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        report = _case(request, pk, kind=AccessKind.CASE_READ)
        audit.record(request, kind=AccessKind.CASE_READ, case_ids=[pk])
        return Response(_consultations(report))


def _step_view(service, request_schema, summary: str, description: str, status: int):
    class StepView(APIView):
        parser_classes = [JSONParser]

        @extend_schema(
            tags=TAGS,
            summary=summary,
            description=description,
            request=request_schema,
            responses={status: ConsultationSerializer(many=True), **STEP_ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            data = request.data if isinstance(request.data, dict) else {}
            try:
                service(report_id=pk, by=request.user, data=data)
            except Exception as exc:
                if audit.is_refusal(exc):
                    audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
                raise
            audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk])
            report = Report.objects.visible_to(request.user).filter(pk=pk).first()
            body = _consultations(report) if report is not None else []
            return Response(body, status=status)

    StepView.__name__ = StepView.__qualname__ = f"Consultation{summary.split()[0]}View"
    return StepView


OpenView = _step_view(
    services.consultation_open,
    OpenRequest,
    "Open a consultation",
    "Ask units (`units`, ids of units whose area holds the case) and leaders (`leaders`) for "
    "their view by `due_at`. City duty officers, on a case awaiting routing; 409 if the case "
    "is not escalated or already has an open consultation. The invited units' liaisons read "
    "the case until it is concluded. Answers the case's consultations.",
    201,
)
OpinionView = _step_view(
    services.consultation_give_opinion,
    OpinionRequest,
    "Give a view",
    "An invited unit's liaison or an invited leader gives their view, once (409 the second "
    "time or when no consultation is open; 403 if not invited). After the deadline it is "
    "marked late.",
    201,
)
ConcludeView = _step_view(
    services.consultation_conclude,
    ConcludeRequest,
    "Conclude the consultation",
    "The duty officer records the conclusion the routing is decided on; the invited units "
    "read the case no more (their answer is an empty list). 409 when none is open.",
    200,
)

urlpatterns = [
    path(
        "reports/<int:pk>/consultations/",
        ConsultationListView.as_view(),
        name="consultation-list",
    ),
    path("reports/<int:pk>/consultations/open/", OpenView.as_view(), name="consultation-open"),
    path(
        "reports/<int:pk>/consultations/opinion/",
        OpinionView.as_view(),
        name="consultation-opinion",
    ),
    path(
        "reports/<int:pk>/consultations/conclude/",
        ConcludeView.as_view(),
        name="consultation-conclude",
    ),
]
