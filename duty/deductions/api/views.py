"""Deductions API views: parse, call one service or selector, shape the answer.

What a refusal means (404, 409, 403, 400) is declared once in :mod:`grid.errors`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from duty.deductions.api.serializers import (
    AppealPayload,
    DecidePayload,
    DeductionCreatePayload,
    DeductionDetailSerializer,
    DeductionSerializer,
)
from duty.deductions.filters import DeductionFilter
from duty.deductions.forms import AppealForm, DecideForm, DeductionRecordForm
from duty.deductions.rules import may_appeal, may_decide, may_record
from duty.deductions.selectors import deduction_detail_for, deduction_history, deduction_list_for
from duty.deductions.services import (
    appeal_check,
    decide_check,
    deduction_appeal,
    deduction_appeal_decide,
    deduction_record,
)
from duty.models import Deduction, DeductionStatus
from grid.api.pagination import CappedPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer
from grid.pagination import COUNT_CAP

TAGS = ["deductions"]
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="You may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such deduction in your jurisdiction."),
    409: OpenApiResponse(ErrorSerializer, description="The deduction's state does not allow it."),
}


def _detail(request: Request, deduction: Deduction) -> dict:
    user = request.user
    deduction.history_entries = deduction_history(deduction=deduction)
    actions = []
    if (
        deduction.status == DeductionStatus.COUNTING
        and deduction.appealed_at is None
        and may_appeal(user, deduction)
    ):
        actions.append("appeal")
    if deduction.status == DeductionStatus.APPEALED and may_decide(user, deduction):
        actions.append("decide")
    deduction.available_actions = actions
    return DeductionDetailSerializer(deduction, context={"request": request}).data


def _form_errors(form) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Deductions you may see",
        description="Deductions and bonuses against the grid points, townships, counties and "
        "units of your jurisdiction (a unit liaison: their unit's), newest first. "
        f"Counted exactly up to {COUNT_CAP:,} past the page asked for; beyond, `count_exact` is "
        "false. `counts` is false for cancelled ones (they stay in the history).",
        responses={200: DeductionSerializer(many=True), 400: ERRORS[400], 404: PAGE_NOT_FOUND},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="Record a deduction or bonus by hand",
        description="For city duty officers: what only a person can judge (a concealed report, "
        "mishandling, an excellent report). JSON, or multipart with `evidence` (an image or a "
        "PDF). `target_type` with `target` (an id, a code or an exact name) in your "
        "jurisdiction; `case` a case number. The points come from the active rule of the kind, "
        "grade and responsibility. 403 for anyone else, then 400 naming each bad field.",
        request={
            "application/json": DeductionCreatePayload,
            "multipart/form-data": DeductionCreatePayload,
        },
        responses={
            201: OpenApiResponse(DeductionDetailSerializer, description="Recorded."),
            400: ERRORS[400],
            403: ERRORS[403],
        },
    ),
)
class DeductionListCreateView(generics.ListCreateAPIView):
    """Scoped, filtered, paginated deductions; a manual one."""

    queryset = Deduction.objects.none()  # for the schema; the selector scopes every request
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeductionFilter
    pagination_class = CappedPagination
    serializer_class = DeductionSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        filters = DeductionFilter(request.query_params, request=request)
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        page = self.paginate_queryset(deduction_list_for(user=request.user, filters=filters))
        context = {"request": request}
        return self.get_paginated_response(
            DeductionSerializer(page, many=True, context=context).data
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        user = request.user
        if not may_record(user):
            raise PermissionDenied(_("Only city duty officers record deductions by hand."))
        data = request.data if hasattr(request.data, "get") else {}
        form = DeductionRecordForm(data, request.FILES or None, user=user)
        if not form.is_valid():
            raise _form_errors(form)
        cleaned = form.cleaned_data
        deduction = deduction_record(
            by=user,
            kind=cleaned["kind"],
            grade=cleaned["grade"],
            responsibility=cleaned["responsibility"],
            target=cleaned.get("target_object"),
            at=cleaned["at"],
            reason=cleaned["reason"],
            source=cleaned["case"],
            evidence=cleaned["evidence"],
        )
        deduction = deduction_detail_for(user=user, deduction_id=deduction.pk)
        return Response(_detail(request, deduction), status=status.HTTP_201_CREATED)


class DeductionDetailView(APIView):
    """One deduction, with its history and what the caller may do."""

    @extend_schema(
        tags=TAGS,
        summary="One deduction",
        responses={200: DeductionDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        deduction = deduction_detail_for(user=request.user, deduction_id=pk)
        return Response(_detail(request, deduction))


def _payload(request: Request, form_class):
    data = request.data if isinstance(request.data, dict) else {}
    return form_class(data)


class DeductionAppealView(APIView):
    """The penalised party contests a deduction, once."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Appeal a deduction",
        description="For the penalised party: the grid point's head, the admin of the county "
        "the township or county lies in, the unit's liaison; once per deduction. Answers 404 "
        "outside your jurisdiction, 409 if it was appealed before or is cancelled, 403 if it "
        "is not yours to appeal, 400 without a reason.",
        request=AppealPayload,
        responses={
            200: DeductionDetailSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
            409: ERRORS[409],
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        form = _payload(request, AppealForm)
        if not form.is_valid():
            appeal_check(deduction=deduction_detail_for(user=user, deduction_id=pk), by=user)
            raise _form_errors(form)
        deduction_appeal(deduction_id=pk, by=user, reason=form.cleaned_data["reason"])
        return Response(_detail(request, deduction_detail_for(user=user, deduction_id=pk)))


class DeductionDecideView(APIView):
    """A city admin upholds or cancels an appealed deduction."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Decide an appeal",
        description="For city system admins: `uphold` (it counts) or `cancel` (it stays in the "
        "history and stops counting), with a `note`. Answers 404 outside your jurisdiction, "
        "409 if no appeal awaits a decision, 403 if you may not decide it, 400 for a bad "
        "payload.",
        request=DecidePayload,
        responses={
            200: DeductionDetailSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
            409: ERRORS[409],
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        form = _payload(request, DecideForm)
        if not form.is_valid():
            decide_check(deduction=deduction_detail_for(user=user, deduction_id=pk), by=user)
            raise _form_errors(form)
        deduction_appeal_decide(
            deduction_id=pk,
            by=user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        return Response(_detail(request, deduction_detail_for(user=user, deduction_id=pk)))
