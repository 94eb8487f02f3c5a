"""Report API views: parse, call one service or selector, shape the answer.

What a service's refusal means (404, 409, 403, 400) is declared once in :mod:`grid.errors` and
answered by the project's exception handler. Reads (the list's page, a case, an attachment,
a transition's answer) and refused attempts are recorded in the access log (:mod:`grid.audit`).
"""

from __future__ import annotations

from contextlib import suppress

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grid import audit
from grid.api.pagination import CappedPagination
from grid.api.parsers import FormParser, MultiPartParser
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer
from grid.models import AccessKind, Region
from grid.pagination import COUNT_CAP
from reports.api.payloads import payload_serializer
from reports.api.serializers import (
    LIST_COLUMNS,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportListSerializer,
)
from reports.attachments import ATTACHMENT_TYPES, attachment_response
from reports.filters import ReportFilter
from reports.history import history_entry, report_history_for
from reports.models import Report
from reports.rules import may_see_reporter, sees_internal
from reports.selectors import (
    related_cases_of,
    report_amendments_for,
    report_attachment_for,
    report_available_transitions,
    report_detail_for,
    report_list_for,
    report_merged_into,
    with_related_numbers,
)
from reports.services import report_submit, report_transition
from reports.workflow import TRANSITIONS, payload_form

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="You may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such case in your jurisdiction."),
    409: OpenApiResponse(
        ErrorSerializer, description="Wrong state, or the case was changed meanwhile."
    ),
}
TAGS = ["reports"]


def detail_context(request: Request, report: Report, *, new: bool = False) -> dict:
    """What the case's answer needs besides the case, as ``request.user`` may see it.

    ``new``: the report its reporter just filed, as ``report_submit`` returns it (sources,
    attachments and the one event loaded; nothing amended or merged yet), so the answer to
    intake reads nothing more from the database.
    """
    user = request.user
    show_reporter = may_see_reporter(user, report)
    if new:
        internal_view = sees_internal(user)
        related = related_cases_of(report, user=user)
        history = [
            history_entry(
                event,
                internal_view=internal_view,
                show_reporter=show_reporter,
                reporter_id=report.reporter_id,
                related=related,
            )
            for event in report.events.all()
        ]
    else:
        history = report_history_for(user=user, report=report)
    return {
        "request": request,
        "now": timezone.now(),
        "show_reporter": show_reporter,
        "available_transitions": report_available_transitions(user=user, report=report),
        "history": history,
        "amendments": [] if new else report_amendments_for(report=report),
        "merged": [] if new else report_merged_into(user=user, report=report),
    }


def _detail_data(request: Request, report: Report, *, new: bool = False) -> dict:
    """The case as ``request.user`` may see it."""
    return ReportDetailSerializer(report, context=detail_context(request, report, new=new)).data


# --- list and create -------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        tags=TAGS,
        summary="Cases you may see",
        description=f"Counted exactly up to {COUNT_CAP:,} cases past the page asked for; "
        "beyond, `count_exact` is false, `count` a lower bound and `next` leads on.",
        responses={200: ReportListSerializer(many=True), 400: ERRORS[400], 404: PAGE_NOT_FOUND},
    ),
    post=extend_schema(
        tags=TAGS,
        summary="File a report",
        description="JSON, or multipart with repeated `attachments` and `source_urls`.\n\n"
        "**Retries.** A retry answers 200 with the case filed first: the same `Idempotency-Key`"
        " with the same content, or, without a key, identical content within the retry window "
        "(a minute). Identical means every field sent *and the same attachments* (compared by "
        "SHA-256): the same text with other files is a new report (201), never a retry that "
        "drops them. The same key with other content or other files answers **422** "
        "(`code: idempotency_key_reused`) naming the case the key filed, and files nothing: "
        "a key stands for one submission, so send changed content with a new key.",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                description="A client-chosen key (at most 64 characters; a longer one answers 400, "
                "it is never cut) per report: make one "
                "when the person composes a report, and resend it only with the same content.",
            )
        ],
        request={
            "application/json": ReportCreateSerializer,
            "multipart/form-data": ReportCreateSerializer,
        },
        responses={
            201: OpenApiResponse(ReportDetailSerializer, description="Filed."),
            200: OpenApiResponse(ReportDetailSerializer, description="A retry: the same case."),
            400: ERRORS[400],
            403: ERRORS[403],
            422: OpenApiResponse(
                ErrorSerializer,
                description="The idempotency key was used for a report with other content.",
            ),
        },
    ),
)
class ReportListCreateView(generics.ListCreateAPIView):
    """Scoped, filtered, paginated list of cases; filing a new report."""

    queryset = Report.objects.none()  # for the schema; the selector scopes every request
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # The FilterSet validates the query and documents it (drf-spectacular reads it through
    # the backend); the selector applies it to the cases the caller may see.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter
    pagination_class = CappedPagination

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return ReportCreateSerializer
        return ReportListSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        filters = ReportFilter(request.query_params, request=request)
        if not filters.is_valid():
            audit.record(request, kind=AccessKind.CASE_LIST, allowed=False)
            raise translate_validation(filters.errors)
        cases = report_list_for(user=request.user, filters=filters).only(*LIST_COLUMNS)
        # The likely duplicates' numbers the caller may see come with the rows.
        cases = with_related_numbers(cases, user=request.user, fields=["likely_duplicate_of"])
        page = self.paginate_queryset(cases)
        context = {"request": request, "now": timezone.now()}
        audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[r.pk for r in page])
        return self.get_paginated_response(
            ReportListSerializer(page, many=True, context=context).data
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = None
        if data.get("region") is not None:
            region = Region.objects.visible_to(request.user).filter(pk=data["region"]).first()
            if region is None:
                raise ValidationError(
                    {"region": [_("Choose a village or township within your jurisdiction.")]}
                )
        report, created = report_submit(
            reporter=request.user,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            source_platform=data["source_platform"],
            source_urls=data["source_urls"],
            region=region,
            discovered_at=data.get("discovered_at"),
            suggested_grade=data["suggested_grade"],
            attachments=data["attachments"],
            idempotency_key=request.headers.get("Idempotency-Key") or data["idempotency_key"],
        )
        if not created:  # a retry: the case as it stands now
            report = report_detail_for(user=request.user, report_id=report.pk)
        return Response(
            _detail_data(request, report, new=created),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- one case --------------------------------------------------------------------------------


class ReportDetailView(APIView):
    """The full case, as the caller may see it."""

    @extend_schema(
        tags=TAGS,
        summary="One case",
        responses={200: ReportDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            report = report_detail_for(user=request.user, report_id=pk)
        except Report.DoesNotExist:
            audit.record(request, kind=AccessKind.CASE_READ, case_ids=[pk], allowed=False)
            raise
        audit.record(request, kind=AccessKind.CASE_READ, case_ids=[pk])
        return Response(_detail_data(request, report))


class ReportTransitionView(APIView):
    """Apply one workflow transition (the subclass names it) to a case.

    The JSON body is the transition's payload form (``reports.workflow``), validated by the
    service after the state and permission checks: an action the case's state does not allow
    answers 409 even with a bad payload.
    """

    parser_classes = [JSONParser]
    transition_name = ""

    def post(self, request: Request, pk: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        try:
            report = report_transition(
                report_id=pk,
                by=request.user,
                name=self.transition_name,
                data=data,
                expected_status=data.get("expected_status") or None,
            )
        except Exception as exc:
            if audit.is_refusal(exc):
                audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk], allowed=False)
            raise
        # If the caller just handed the case on (a unit bouncing it) and no longer sees it,
        # answer with the case as the transition left it.
        with suppress(Report.DoesNotExist):
            report = report_detail_for(user=request.user, report_id=pk)
        audit.record(request, kind=AccessKind.CASE_ACTION, case_ids=[pk])
        return Response(_detail_data(request, report))


def _transition_view(name: str) -> type[ReportTransitionView]:
    form = payload_form(name)
    view = type(
        f"Report{name.title().replace('_', '')}View",
        (ReportTransitionView,),
        {"transition_name": name, "__doc__": form.__doc__},
    )
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"reports_transition_{name}",
            tags=TAGS,
            summary=f"Transition: {name}",
            description=form.__doc__,
            request=payload_serializer(form, name),
            responses={200: ReportDetailSerializer, **ERRORS},
        )
    )(view)


TRANSITION_VIEWS: dict[str, type[ReportTransitionView]] = {
    name: _transition_view(name) for name in TRANSITIONS
}


@extend_schema(exclude=True)
class UnknownTransitionView(APIView):
    """Any other transition name: 404."""

    def post(self, request: Request, pk: int, name: str) -> Response:
        raise NotFound(_("No such action."))


# --- attachments -----------------------------------------------------------------------------


class FirstRendererNegotiation(BaseContentNegotiation):
    """Ignore the client's Accept header: a download answers with the file or a JSON error."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportAttachmentView(APIView):
    """Download one attachment of a case the caller may see; never a public URL."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        tags=TAGS,
        summary="Download an attachment",
        responses={
            **{(200, t): OpenApiTypes.BINARY for t in ATTACHMENT_TYPES},
            404: ERRORS[404],
        },
    )
    def get(self, request: Request, pk: int, number: int) -> FileResponse:
        attachment = report_attachment_for(user=request.user, report_id=pk, number=number)
        audit.record(
            request, kind=AccessKind.ATTACHMENT, case_ids=[pk], allowed=attachment is not None
        )
        if attachment is None:
            raise NotFound(_("No such attachment."))
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise NotFound(_("No such attachment.")) from exc
        return attachment_response(attachment, handle, inline_images=False)
