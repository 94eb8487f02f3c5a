"""Serializers of the report API: parse input, shape output; no business rules here.

Input serializers only check types and required fields; the services own every rule (who may,
which state, what is valid) and answer with the same errors the pages show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grid.api.serializers import ChoiceLabelField
from grid.labels import choice_label
from reports.attachments import MAX_ATTACHMENTS
from reports.models import Category, Grade, RejectKind, Report, SourcePlatform, Status
from reports.rules import may_see_reporter, sees_internal
from reports.selectors import clock_state
from reports.services import MAX_SOURCE_URLS, TRANSITION_SERVICES

CLOCK_STATES = ["ok", "amber", "red", "done"]

# --- small references ------------------------------------------------------------------------


class CaseRegionSerializer(serializers.Serializer):
    """The place a case concerns."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CaseUnitSerializer(serializers.Serializer):
    """A unit handling a case."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class CasePersonSerializer(serializers.Serializer):
    """A person named on a case."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


# --- output ----------------------------------------------------------------------------------


# The columns ReportListSerializer reads (for ``.only()``): a list reads no more.
LIST_COLUMNS = (
    "id",
    "case_number",
    "title",
    "status",
    "category",
    "grade",
    "suggested_grade",
    "region__id",
    "region__code",
    "region__name",
    "discovered_at",
    "created_at",
    "disposal_due_at",
    "disposal_reported_at",
    "assigned_unit__id",
    "assigned_unit__name",
    "lead_unit__id",
    "lead_unit__name",
    "likely_duplicate_of_id",
)


def _iso(value: datetime | None, tz) -> str | None:
    """DRF's DateTimeField output (ISO 8601 in the current time zone) without its dispatch."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ReportListSerializer(serializers.ModelSerializer):
    """One row of a report list.

    Context: ``now`` (for the disposal clock) and ``visible_case_numbers`` (id → case number
    of the related cases the caller may see; others are shown as null).
    """

    status_display = ChoiceLabelField(Status, source="status")
    category_display = ChoiceLabelField(Category, source="category")
    grade_display = ChoiceLabelField(Grade, source="grade")
    suggested_grade_display = ChoiceLabelField(Grade, source="suggested_grade")
    region = CaseRegionSerializer(read_only=True)
    assigned_unit = CaseUnitSerializer(read_only=True, allow_null=True)
    lead_unit = CaseUnitSerializer(read_only=True, allow_null=True)
    clock = serializers.SerializerMethodField()
    likely_duplicate_of = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "case_number",
            "title",
            "status",
            "status_display",
            "category",
            "category_display",
            "grade",
            "grade_display",
            "suggested_grade",
            "suggested_grade_display",
            "region",
            "discovered_at",
            "created_at",
            "disposal_due_at",
            "clock",
            "assigned_unit",
            "lead_unit",
            "likely_duplicate_of",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        """The fields, with times written in the time zone current now (once, not per value:
        DRF looks the current zone up for every time it writes, a sixth of a list's rows)."""
        fields = super().get_fields()
        zone = timezone.get_current_timezone()
        for field in fields.values():
            if isinstance(field, serializers.DateTimeField):
                field.timezone = zone
        return fields

    @extend_schema_field(serializers.ChoiceField(choices=CLOCK_STATES))
    def get_clock(self, obj: Report) -> str:
        return clock_state(obj, now=self.context["now"])

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Case number."))
    def get_likely_duplicate_of(self, obj: Report) -> str | None:
        return self.context.get("visible_case_numbers", {}).get(obj.likely_duplicate_of_id)


class AttachmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        url = reverse("reports_api:report-attachment", args=[obj.report_id, obj.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class TransitionChoiceSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(TRANSITION_SERVICES))
    label = serializers.CharField()


# Keys of an event's data that only staff see.
STAFF_ONLY_DATA = {"likely_duplicate_of"}


class EventSerializer(serializers.Serializer):
    """One step of the case's history."""

    transition = serializers.CharField()
    transition_label = serializers.SerializerMethodField()
    source = serializers.CharField()
    target = serializers.CharField()
    actor_name = serializers.SerializerMethodField(
        help_text="Null where the actor is the reporter and the caller may not know who that is."
    )
    at = serializers.DateTimeField()
    comment = serializers.CharField()
    data = serializers.SerializerMethodField(help_text="What the step recorded, comment aside.")

    def get_transition_label(self, obj) -> str:
        return str(TRANSITION_LABELS.get(obj.transition, obj.transition))

    @extend_schema_field(serializers.DictField())
    def get_data(self, obj) -> dict:
        """Triage notes (a likely duplicate elsewhere) are for staff, not for reporters."""
        if not sees_internal(self.context["request"].user):
            return {k: v for k, v in obj.data.items() if k not in STAFF_ONLY_DATA}
        return obj.data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor_name(self, obj) -> str | None:
        if obj.actor_id == self.context["reporter_id"] and not self.context["show_reporter"]:
            return None
        return obj.actor.get_full_name()


class AmendmentSerializer(serializers.Serializer):
    field = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    reason = serializers.CharField()
    actor_name = serializers.CharField(source="actor.get_full_name")
    at = serializers.DateTimeField()


class MergedCaseSerializer(serializers.Serializer):
    """A duplicate merged into a case: it stays on record and its reporter stays credited."""

    id = serializers.IntegerField()
    case_number = serializers.CharField()
    created_at = serializers.DateTimeField()
    reporter = CasePersonSerializer(allow_null=True)


class ReportDetailSerializer(ReportListSerializer):
    """The full case as the caller may see it.

    Extra context: ``request``, ``show_reporter``, ``available_transitions`` (names),
    ``history`` (events) and ``amendments``, prepared by the view from the selectors.
    """

    county = CaseRegionSerializer(read_only=True)
    source_urls = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    reporter = serializers.SerializerMethodField(
        help_text="Null for callers who may not know who filed the case."
    )
    reject_kind_display = ChoiceLabelField(RejectKind, source="reject_kind")
    duplicate_of = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    amendments = serializers.SerializerMethodField()
    merged_duplicates = serializers.SerializerMethodField(
        help_text="Cases merged into this one as duplicates; their reporters stay credited."
    )

    class Meta(ReportListSerializer.Meta):
        fields = [
            *ReportListSerializer.Meta.fields,
            "body",
            "source_platform",
            "county",
            "source_urls",
            "attachments",
            "reporter",
            "reject_kind",
            "reject_kind_display",
            "duplicate_of",
            "resolution",
            "disposal_reported_at",
            "closed_at",
            "updated_at",
            "available_transitions",
            "history",
            "amendments",
            "merged_duplicates",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_source_urls(self, obj: Report) -> list[str]:
        return [s.url for s in sorted(obj.sources.all(), key=lambda s: s.pk)]

    @extend_schema_field(CasePersonSerializer(allow_null=True))
    def get_reporter(self, obj: Report) -> dict | None:
        if not self.context["show_reporter"]:
            return None
        return CasePersonSerializer(obj.reporter).data

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Case number."))
    def get_duplicate_of(self, obj: Report) -> str | None:
        return self.context.get("visible_case_numbers", {}).get(obj.duplicate_of_id)

    @extend_schema_field(TransitionChoiceSerializer(many=True))
    def get_available_transitions(self, obj: Report) -> list[dict]:
        return [
            {"name": name, "label": str(TRANSITION_LABELS.get(name, name))}
            for name in self.context["available_transitions"]
        ]

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, obj: Report) -> list[dict]:
        context = {**self.context, "reporter_id": obj.reporter_id}
        return EventSerializer(self.context["history"], many=True, context=context).data

    @extend_schema_field(AmendmentSerializer(many=True))
    def get_amendments(self, obj: Report) -> list[dict]:
        return AmendmentSerializer(self.context["amendments"], many=True).data

    @extend_schema_field(MergedCaseSerializer(many=True))
    def get_merged_duplicates(self, obj: Report) -> list[dict]:
        user = self.context["request"].user
        return [
            {
                "id": case.pk,
                "case_number": case.case_number,
                "created_at": serializers.DateTimeField().to_representation(case.created_at),
                "reporter": CasePersonSerializer(case.reporter).data
                if may_see_reporter(user, case)
                else None,
            }
            for case in self.context["merged"]
        ]


# --- input: filing a report ------------------------------------------------------------------


class ReportCreateSerializer(serializers.Serializer):
    """A new report, as JSON or multipart (repeat ``source_urls`` and ``attachments``)."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    source_platform = serializers.ChoiceField(choices=SourcePlatform.choices)
    source_urls = serializers.ListField(
        child=serializers.CharField(max_length=2000),
        required=False,
        default=list,
        max_length=MAX_SOURCE_URLS,
    )
    discovered_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Defaults to now."
    )
    region = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Village or township concerned; defaults to the informant's own node.",
    )
    suggested_grade = serializers.ChoiceField(choices=Grade.choices, default=Grade.GENERAL)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=f"Up to {MAX_ATTACHMENTS} JPEG, PNG or WebP images or PDF documents.",
    )
    idempotency_key = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="Same as the Idempotency-Key header; the header wins.",
    )


# --- input: one serializer per transition ----------------------------------------------------


class TransitionPayloadSerializer(serializers.Serializer):
    """What every transition may carry besides its own fields."""

    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="The status the case had when you decided. If it has moved on since, "
        "nothing is changed and the answer is 409.",
    )


class AcceptLocalSerializer(TransitionPayloadSerializer):
    """accept_local: the county admin keeps the case and assigns it to a township or department."""

    unit = serializers.IntegerField(help_text="A township or department unit of the county.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(TransitionPayloadSerializer):
    reason = serializers.CharField()


class EscalateSerializer(ReasonSerializer):
    """escalate: send the case to the city duty queue."""


class ReturnForInfoSerializer(ReasonSerializer):
    """return_for_info: ask the reporter for more information; the reason is shown to them."""


class BounceSerializer(ReasonSerializer):
    """bounce: the lead unit says the case is not theirs."""


class ReopenSerializer(ReasonSerializer):
    """reopen: the matter came back; the case returns to whoever handled it."""


class ResubmitSerializer(TransitionPayloadSerializer):
    """resubmit: the reporter adds the information that was asked for."""

    supplement = serializers.CharField()


class RejectSerializer(TransitionPayloadSerializer):
    """reject: invalid, not accepted, or a duplicate merged into another case."""

    kind = serializers.ChoiceField(choices=RejectKind.choices)
    reason = serializers.CharField()
    duplicate_of = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Case number of the original case (kind=duplicate).",
    )


class RouteSerializer(TransitionPayloadSerializer):
    """route: the duty officer grades the case and sends it to its lead unit."""

    grade = serializers.ChoiceField(choices=Grade.choices)
    lead_unit = serializers.IntegerField(help_text="A unit whose area covers the case's place.")
    instruction = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="A leader's instruction (批示)."
    )


class CloseSerializer(TransitionPayloadSerializer):
    """close: record how the matter was handled and close the case."""

    resolution = serializers.CharField()


@dataclass(frozen=True)
class TransitionSpec:
    """How the API exposes one transition: its payload and how it maps to the service."""

    serializer: type[serializers.Serializer]
    to_kwargs: Callable[[dict], dict]
    label: object


def _same(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "expected_status"}


TRANSITIONS: dict[str, TransitionSpec] = {
    "accept_local": TransitionSpec(
        AcceptLocalSerializer,
        lambda d: {"unit_id": d["unit"], "comment": d["comment"]},
        _("Handle locally"),
    ),
    "escalate": TransitionSpec(EscalateSerializer, _same, _("Escalate to the city")),
    "return_for_info": TransitionSpec(
        ReturnForInfoSerializer, _same, _("Return for more information")
    ),
    "resubmit": TransitionSpec(ResubmitSerializer, _same, _("Resubmit")),
    "reject": TransitionSpec(RejectSerializer, _same, _("Reject")),
    "route": TransitionSpec(
        RouteSerializer,
        lambda d: {
            "grade": d["grade"],
            "lead_unit_id": d["lead_unit"],
            "instruction": d["instruction"],
        },
        _("Route"),
    ),
    "bounce": TransitionSpec(BounceSerializer, _same, _("Not ours: send back")),
    "close": TransitionSpec(CloseSerializer, _same, _("Close")),
    "reopen": TransitionSpec(ReopenSerializer, _same, _("Reopen")),
}

TRANSITION_LABELS = {"submit": _("Submitted"), **{n: s.label for n, s in TRANSITIONS.items()}}


# --- the full case, written out --------------------------------------------------------------


def report_detail(report: Report, *, context: dict) -> dict:
    """The case exactly as :class:`ReportDetailSerializer` writes it, for the same context.

    DRF builds the serializer's 35 fields anew on every request and dispatches per field;
    this writes the same dict directly (``test_api.py::test_detail_matches_the_serializer``
    holds the two equal for every kind of case and caller).
    """
    tz = timezone.get_current_timezone()
    request = context["request"]
    show_reporter = context["show_reporter"]
    numbers = context.get("visible_case_numbers", {})
    staff_only = not sees_internal(request.user)

    def region(r) -> dict:
        return {"id": r.pk, "code": r.code, "name": r.name}

    def unit(u) -> dict | None:
        return None if u is None else {"id": u.pk, "name": u.name}

    def person(p) -> dict:
        return {"id": p.pk, "name": p.get_full_name()}

    def event(e) -> dict:
        hidden = e.actor_id == report.reporter_id and not show_reporter
        return {
            "transition": e.transition,
            "transition_label": str(TRANSITION_LABELS.get(e.transition, e.transition)),
            "source": e.source,
            "target": e.target,
            "actor_name": None if hidden else e.actor.get_full_name(),
            "at": _iso(e.at, tz),
            "comment": e.comment,
            "data": {k: v for k, v in e.data.items() if k not in STAFF_ONLY_DATA}
            if staff_only
            else e.data,
        }

    def attachment(a) -> dict:
        url = reverse("reports_api:report-attachment", args=[a.report_id, a.number])
        return {
            "number": a.number,
            "name": a.original_name,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "url": request.build_absolute_uri(url),
        }

    return {
        "id": report.pk,
        "case_number": report.case_number,
        "title": report.title,
        "status": report.status,
        "status_display": choice_label(Status, report.status),
        "category": report.category,
        "category_display": choice_label(Category, report.category),
        "grade": report.grade,
        "grade_display": choice_label(Grade, report.grade),
        "suggested_grade": report.suggested_grade,
        "suggested_grade_display": choice_label(Grade, report.suggested_grade),
        "region": region(report.region),
        "discovered_at": _iso(report.discovered_at, tz),
        "created_at": _iso(report.created_at, tz),
        "disposal_due_at": _iso(report.disposal_due_at, tz),
        "clock": clock_state(report, now=context["now"]),
        "assigned_unit": unit(report.assigned_unit),
        "lead_unit": unit(report.lead_unit),
        "likely_duplicate_of": numbers.get(report.likely_duplicate_of_id),
        "body": report.body,
        "source_platform": report.source_platform,
        "county": region(report.county),
        "source_urls": [x.url for x in sorted(report.sources.all(), key=lambda x: x.pk)],
        "attachments": [attachment(a) for a in report.attachments.all()],
        "reporter": person(report.reporter) if show_reporter else None,
        "reject_kind": report.reject_kind,
        "reject_kind_display": choice_label(RejectKind, report.reject_kind),
        "duplicate_of": numbers.get(report.duplicate_of_id),
        "resolution": report.resolution,
        "disposal_reported_at": _iso(report.disposal_reported_at, tz),
        "closed_at": _iso(report.closed_at, tz),
        "updated_at": _iso(report.updated_at, tz),
        "available_transitions": [
            {"name": name, "label": str(TRANSITION_LABELS.get(name, name))}
            for name in context["available_transitions"]
        ],
        "history": [event(e) for e in context["history"]],
        "amendments": [
            {
                "field": a.field,
                "old_value": a.old_value,
                "new_value": a.new_value,
                "reason": a.reason,
                "actor_name": a.actor.get_full_name(),
                "at": _iso(a.at, tz),
            }
            for a in context["amendments"]
        ],
        "merged_duplicates": [
            {
                "id": case.pk,
                "case_number": case.case_number,
                "created_at": _iso(case.created_at, tz),
                "reporter": person(case.reporter) if may_see_reporter(request.user, case) else None,
            }
            for case in context["merged"]
        ],
    }
