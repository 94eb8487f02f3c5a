"""Serializers of the deductions API: one output per resource; inputs are the pages' forms
(:mod:`duty.deductions.forms`), described for the schema by ``payload_serializer``."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from duty.deductions.forms import AppealForm, DecideForm, DeductionRecordForm
from duty.models import (
    Deduction,
    DeductionAction,
    DeductionKind,
    DeductionStatus,
    Responsibility,
    TargetType,
)
from grid.api.serializers import ChoiceLabelField
from reports.api.payloads import payload_serializer


class TargetSerializer(serializers.Serializer):
    """Whom a deduction is against."""

    type = serializers.ChoiceField(choices=TargetType.choices)
    id = serializers.IntegerField()
    name = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    """The row that records what happened (a case, a clock, an expected submission, …)."""

    type = serializers.CharField(help_text="app_label.model")
    id = serializers.IntegerField()


class DeductionSerializer(serializers.ModelSerializer):
    """A deduction (negative points) or bonus (positive), as scorecards count it."""

    kind_label = ChoiceLabelField(DeductionKind, source="kind")
    status_label = ChoiceLabelField(DeductionStatus, source="status")
    responsibility_label = ChoiceLabelField(Responsibility, source="responsibility")
    points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    target = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    month = serializers.SerializerMethodField()
    counts = serializers.BooleanField(read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Deduction
        fields = [
            "id",
            "kind",
            "kind_label",
            "points",
            "responsibility",
            "responsibility_label",
            "grade",
            "target",
            "source",
            "at",
            "month",
            "status",
            "status_label",
            "counts",
            "created_by",
            "created_at",
            "reason",
            "has_evidence",
            "appeal_reason",
            "appealed_by",
            "appealed_at",
            "decision_note",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        zone = timezone.get_current_timezone()
        for f in fields.values():
            if isinstance(f, serializers.DateTimeField):
                f.timezone = zone
        return fields

    @extend_schema_field(TargetSerializer)
    def get_target(self, deduction: Deduction) -> dict:
        return {
            "type": deduction.target_type,
            "id": deduction.target_id,
            "name": str(deduction.target),
        }

    @extend_schema_field(SourceSerializer(allow_null=True))
    def get_source(self, deduction: Deduction) -> dict | None:
        if deduction.source_type_id is None:
            return None
        ct = deduction.source_type
        return {"type": f"{ct.app_label}.{ct.model}", "id": deduction.source_id}

    @extend_schema_field({"type": "string", "example": "2026-11"})
    def get_month(self, deduction: Deduction) -> str:
        return f"{deduction.month:%Y-%m}"

    def get_has_evidence(self, deduction: Deduction) -> bool:
        return bool(deduction.evidence_sha256)


class HistoryEntrySerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=DeductionAction.choices)
    actor = serializers.IntegerField(source="actor_id")
    at = serializers.DateTimeField()
    comment = serializers.CharField()


class DeductionDetailSerializer(DeductionSerializer):
    """A deduction with its history and what the caller may do now."""

    history = HistoryEntrySerializer(many=True, read_only=True, source="history_entries")
    available_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=["appeal", "decide"]), read_only=True
    )

    class Meta(DeductionSerializer.Meta):
        fields = [*DeductionSerializer.Meta.fields, "history", "available_actions"]
        read_only_fields = fields


_RecordBase = payload_serializer(DeductionRecordForm, "deduction_record")


class DeductionCreatePayload(_RecordBase):
    __doc__ = DeductionRecordForm.__doc__
    evidence = serializers.FileField(required=False, help_text="An image or a PDF (multipart).")


AppealPayload = payload_serializer(AppealForm, "deduction_appeal")
DecidePayload = payload_serializer(DecideForm, "deduction_decide")
