"""Serializers of the report API: parse input, shape output; no business rules here.

Input serializers only check types and required fields; the services own every rule (who may,
which state, what is valid) and answer with the same errors the pages show.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grid.api.serializers import ChoiceLabelField, LightFieldCopies
from reports.attachments import ATTACHMENT_TYPES, MAX_ATTACHMENTS
from reports.models import (
    MAX_IDEMPOTENCY_KEY,
    MAX_SOURCE_URLS,
    AnswerChannel,
    Category,
    Grade,
    RejectKind,
    Report,
    Satisfaction,
    SourcePlatform,
    Status,
)
from reports.rules import RelatedCase, may_see_reporter
from reports.selectors import clock_state, related_case_of
from reports.workflow import TRANSITIONS

CLOCK_STATES = ["ok", "amber", "red", "done"]

# --- small references ------------------------------------------------------------------------


class CaseRegionSerializer(LightFieldCopies, serializers.Serializer):
    """The place a case concerns."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CaseUnitSerializer(LightFieldCopies, serializers.Serializer):
    """A unit handling a case."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class CasePersonSerializer(LightFieldCopies, serializers.Serializer):
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


class _Ref(serializers.Field):
    """A related row written as a small object of some of its attributes (None if absent).

    The same answer as a nested serializer of those attributes, without one per row: a list's
    rows each carry three.
    """

    attributes: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source, None)

    def to_representation(self, value) -> dict:
        return {name: getattr(value, name) for name in self.attributes}


@extend_schema_field(CaseRegionSerializer)
class RegionRef(_Ref):
    attributes = ("id", "code", "name")


@extend_schema_field(CaseUnitSerializer(allow_null=True))
class UnitRef(_Ref):
    attributes = ("id", "name")


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices.choices, read_only=True, **kwargs)


class ReportListSerializer(LightFieldCopies, serializers.Serializer):
    """One row of a report list.

    Context: ``now`` (for the disposal clock) and ``request``. Another case a case points to is
    named only if the caller may see it (``reports.rules.related_case``); rows read from
    ``reports.selectors.with_related_numbers`` carry the numbers the caller may see.
    """

    id = serializers.IntegerField(read_only=True)
    case_number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = _choice(Status)
    status_display = ChoiceLabelField(Status, source="status")
    category = _choice(Category)
    category_display = ChoiceLabelField(Category, source="category")
    grade = _choice(Grade, allow_blank=True)
    grade_display = ChoiceLabelField(Grade, source="grade")
    suggested_grade = _choice(Grade)
    suggested_grade_display = ChoiceLabelField(Grade, source="suggested_grade")
    region = RegionRef()
    discovered_at = serializers.DateTimeField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    disposal_due_at = serializers.DateTimeField(read_only=True)
    clock = serializers.SerializerMethodField()
    assigned_unit = UnitRef(allow_null=True)
    lead_unit = UnitRef(allow_null=True)
    likely_duplicate_of = serializers.SerializerMethodField()
    likely_duplicate_elsewhere = serializers.SerializerMethodField()

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

    def _related(self, obj: Report, field: str) -> RelatedCase | None:
        return related_case_of(obj, field, user=self.context["request"].user)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="Staff only: the case a source link of this one was reported on lately, "
            "by its number, if it lies in your jurisdiction.",
        )
    )
    def get_likely_duplicate_of(self, obj: Report) -> str | None:
        case = self._related(obj, "likely_duplicate_of")
        return case.number if case is not None else None

    @extend_schema_field(
        serializers.BooleanField(
            help_text="Staff only: a source link of this case was reported lately on a case "
            "outside your jurisdiction, elsewhere in the city (never named)."
        )
    )
    def get_likely_duplicate_elsewhere(self, obj: Report) -> bool:
        case = self._related(obj, "likely_duplicate_of")
        return case is not None and case.elsewhere


class AttachmentSerializer(LightFieldCopies, serializers.Serializer):
    """A file of a case: its type is what its bytes are, whatever it was called or sent as."""

    number = serializers.IntegerField()
    name = serializers.CharField(
        source="download_name",
        help_text="The sender's file name, with the extension of the file's real type.",
    )
    content_type = serializers.ChoiceField(choices=ATTACHMENT_TYPES)
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    width = serializers.IntegerField(
        allow_null=True, help_text="Pixels; set only for an image decoded in full when filed."
    )
    height = serializers.IntegerField(
        allow_null=True, help_text="Pixels; set only for an image decoded in full when filed."
    )
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        url = reverse("reports_api:report-attachment", args=[obj.report_id, obj.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class TransitionChoiceSerializer(LightFieldCopies, serializers.Serializer):
    name = serializers.ChoiceField(choices=list(TRANSITIONS))
    label = serializers.CharField()


class EventSerializer(LightFieldCopies, serializers.Serializer):
    """One step of the case's history, as the caller may read it (``reports.history``)."""

    transition = serializers.CharField(source="event.transition")
    transition_label = serializers.CharField(source="words")
    source = serializers.CharField(source="event.source")
    target = serializers.CharField(source="event.target")
    actor_name = serializers.CharField(
        source="actor",
        allow_null=True,
        help_text="Null where the caller may not know who took the step.",
    )
    at = serializers.DateTimeField(source="event.at")
    comment = serializers.CharField()
    data = serializers.DictField(
        help_text="What the step recorded, comment aside. Another case the step concerns "
        "(`likely_duplicate_of` when filed, `duplicate_of` when rejected) is named by its number "
        "only if it lies in your jurisdiction; otherwise staff read `likely_duplicate_elsewhere` "
        "or `duplicate_elsewhere`: true, and nobody its id."
    )


class AmendmentSerializer(LightFieldCopies, serializers.Serializer):
    field = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    reason = serializers.CharField()
    actor_name = serializers.CharField(source="actor.get_full_name")
    at = serializers.DateTimeField()


class MergedCaseSerializer(LightFieldCopies, serializers.Serializer):
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

    body = serializers.CharField(read_only=True)
    source_platform = _choice(SourcePlatform)
    county = RegionRef()
    source_urls = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    reporter = serializers.SerializerMethodField(
        help_text="Null for callers who may not know who filed the case."
    )
    reject_kind = _choice(RejectKind, allow_blank=True)
    reject_kind_display = ChoiceLabelField(RejectKind, source="reject_kind")
    duplicate_of = serializers.SerializerMethodField()
    duplicate_elsewhere = serializers.SerializerMethodField()
    resolution = serializers.CharField(read_only=True)
    answered_via = _choice(AnswerChannel, allow_blank=True)
    answered_via_display = ChoiceLabelField(AnswerChannel, source="answered_via")
    answered_where = serializers.CharField(read_only=True)
    return_visit = serializers.BooleanField(read_only=True)
    satisfaction = _choice(Satisfaction, allow_blank=True)
    satisfaction_display = ChoiceLabelField(Satisfaction, source="satisfaction")
    disposal_reported_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    available_transitions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    amendments = serializers.SerializerMethodField()
    merged_duplicates = serializers.SerializerMethodField(
        help_text="Cases merged into this one as duplicates; their reporters stay credited."
    )

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_source_urls(self, obj: Report) -> list[str]:
        return [s.url for s in sorted(obj.sources.all(), key=lambda s: s.pk)]

    @extend_schema_field(CasePersonSerializer(allow_null=True))
    def get_reporter(self, obj: Report) -> dict | None:
        if not self.context["show_reporter"]:
            return None
        return CasePersonSerializer(obj.reporter).data

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="The case this one was merged into, by its number, if it lies in your "
            "jurisdiction.",
        )
    )
    def get_duplicate_of(self, obj: Report) -> str | None:
        case = self._related(obj, "duplicate_of")
        return case.number if case is not None else None

    @extend_schema_field(
        serializers.BooleanField(
            help_text="Staff only: merged into a case outside your jurisdiction, elsewhere "
            "in the city (never named)."
        )
    )
    def get_duplicate_elsewhere(self, obj: Report) -> bool:
        case = self._related(obj, "duplicate_of")
        return case is not None and case.elsewhere

    @extend_schema_field(TransitionChoiceSerializer(many=True))
    def get_available_transitions(self, obj: Report) -> list[dict]:
        return [
            {"name": name, "label": str(TRANSITIONS[name].label)}
            for name in self.context["available_transitions"]
        ]

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, obj: Report) -> list[dict]:
        return EventSerializer(self.context["history"], many=True).data

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


class FlatListField(serializers.ListField):
    """A list whose errors are a flat list of messages, like every other field's.

    DRF's ListField answers a bad item with ``{"0": [...]}``; the API's one error shape
    (``errors``: field -> list of strings, ``ErrorSerializer``) names the item in the message.
    """

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError(
                [
                    _("Item %(n)d: %(message)s") % {"n": int(index) + 1, "message": message}
                    for index, messages in sorted(exc.detail.items(), key=lambda i: int(i[0]))
                    for message in messages
                ]
            ) from exc


class ReportCreateSerializer(LightFieldCopies, serializers.Serializer):
    """A new report, as JSON or multipart (repeat ``source_urls`` and ``attachments``)."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=settings.REPORT_BODY_MAX_CHARS)
    category = serializers.ChoiceField(choices=Category.choices)
    source_platform = serializers.ChoiceField(choices=SourcePlatform.choices)
    source_urls = FlatListField(
        child=serializers.CharField(max_length=2000),
        required=False,
        default=list,
        max_length=MAX_SOURCE_URLS,
    )
    discovered_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Defaults to now. Not in the future, nor more than "
        f"{settings.REPORT_DISCOVERED_MAX_AGE_DAYS} days ago (REPORT_DISCOVERED_MAX_AGE_DAYS).",
    )
    region = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Village or township concerned; defaults to the informant's own node.",
    )
    suggested_grade = serializers.ChoiceField(choices=Grade.choices, default=Grade.GENERAL)
    attachments = FlatListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=f"Up to {MAX_ATTACHMENTS} JPEG, PNG or WebP images or PDF documents, "
        "recognised by their content (never by name or declared type). Every image is decoded "
        "in full: a damaged, incomplete or too large one is refused, as is a PDF that does not "
        "start with `%PDF-` and end with `%%EOF`. Refusals are listed in `errors.attachments`, "
        "one message per file, each naming the file.",
    )
    idempotency_key = serializers.CharField(
        max_length=MAX_IDEMPOTENCY_KEY,
        required=False,
        allow_blank=True,
        default="",
        help_text="Same as the Idempotency-Key header; the header wins.",
    )
