"""Duty API answers and the payloads it documents (payloads are read by the services, after
the 404/409/403 checks, so a bad one is a 400 at the end)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from duty.models import Absence, DutyDay, DutyShift, Handover, LogEntry, LogKind, Swap, SwapState
from duty.rosters.selectors import ClockIn, clock_in_state
from grid.api.serializers import PersonRefSerializer

CLOCK_IN_STATES = [ClockIn.ON_TIME, ClockIn.LATE, ClockIn.MISSING, ClockIn.NOT_YET]


class AbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "shift", "reason", "whereabouts", "started_at", "ended_at"]


class ShiftSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()
    clock_in = serializers.SerializerMethodField()
    away = serializers.SerializerMethodField()

    class Meta:
        model = DutyShift
        fields = ["id", "person", "clocked_in_at", "clock_in", "swap", "away"]

    def get_clock_in(self, shift) -> str:
        """One of on_time, late, missing, not_yet."""
        now = self.context.get("now") or timezone.now()
        return clock_in_state(
            clocked_in_at=shift.clocked_in_at, starts_at=shift.day.starts_at, now=now
        )

    def get_away(self, shift) -> AbsenceSerializer(allow_null=True):  # type: ignore[valid-type]
        away = getattr(shift, "away", None)
        return AbsenceSerializer(away[0]).data if away else None


class DutyDaySerializer(serializers.ModelSerializer):
    desk = serializers.SerializerMethodField()
    desk_name = serializers.SerializerMethodField()
    leader = PersonRefSerializer(allow_null=True)
    shifts = ShiftSerializer(many=True)

    class Meta:
        model = DutyDay
        fields = [
            "id",
            "desk",
            "grid_point",
            "unit",
            "desk_name",
            "date",
            "starts_at",
            "ends_at",
            "leader",
            "shifts",
        ]

    def get_desk(self, day) -> str:
        """``grid_point`` or ``platform``."""
        return "grid_point" if day.grid_point_id else "platform"

    def get_desk_name(self, day) -> str:
        return day.desk.name


class SwapSerializer(serializers.ModelSerializer):
    requester = PersonRefSerializer()
    colleague = PersonRefSerializer()
    date = serializers.DateField(source="day.date")
    state = serializers.ChoiceField(choices=SwapState.choices)

    class Meta:
        model = Swap
        fields = [
            "id",
            "day",
            "date",
            "requester",
            "colleague",
            "reason",
            "state",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class LogEntrySerializer(serializers.ModelSerializer):
    author = PersonRefSerializer()
    kind = serializers.ChoiceField(choices=LogKind.choices)

    class Meta:
        model = LogEntry
        fields = ["id", "day", "kind", "occurred_at", "recorded_at", "text", "author", "corrects"]


class HandoverSerializer(serializers.ModelSerializer):
    submitted_by = PersonRefSerializer()
    acknowledged_by = PersonRefSerializer(allow_null=True)
    cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    on_time = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = [
            "id",
            "outgoing",
            "incoming",
            "due_at",
            "submitted_by",
            "submitted_at",
            "log_summary",
            "unfinished",
            "points_to_watch",
            "cases",
            "open_cases_total",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledgement_note",
            "on_time",
        ]

    def get_on_time(self, handover) -> bool:
        """Submitted and acknowledged before the deadline."""
        return handover.acknowledged_at is not None and handover.acknowledged_at < handover.due_at


# --- payloads (documentation; the services read and check them) -----------------------------


class DaySetSerializer(serializers.Serializer):
    grid_point = serializers.IntegerField(
        required=False, min_value=1, help_text="The grid point (or `unit`)."
    )
    unit = serializers.IntegerField(
        required=False, min_value=1, help_text="The city platform (or `grid_point`)."
    )
    date = serializers.DateField()
    people = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)
    leader = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class GenerateSerializer(serializers.Serializer):
    grid_point = serializers.IntegerField(required=False, min_value=1)
    unit = serializers.IntegerField(required=False, min_value=1)
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, help_text="In rotation order."
    )
    leaders = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    per_day = serializers.IntegerField(required=False, min_value=1, max_value=5, default=1)


class GeneratedSerializer(serializers.Serializer):
    written = serializers.IntegerField(
        help_text="Days written (days already on the roster are kept)."
    )


class SwapCreateSerializer(serializers.Serializer):
    shift = serializers.IntegerField(
        min_value=1, help_text="The requester's shift (its day and date)."
    )
    colleague = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()


class SwapDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class AbsenceCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    whereabouts = serializers.CharField(max_length=300)


class LogCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LogKind.choices)
    text = serializers.CharField(max_length=4000)
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Default: now."
    )
    corrects = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The entry this one corrects."
    )


class HandoverCreateSerializer(serializers.Serializer):
    log_summary = serializers.CharField(max_length=4000)
    unfinished = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    points_to_watch = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
