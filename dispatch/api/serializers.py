"""Serializers of the dispatch API: shape output (no business rules here); inputs are the
actions' payload forms (:mod:`dispatch.forms`), described for the schema by
:func:`reports.api.payloads.payload_serializer`."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dispatch.models import (
    AssignmentState,
    ClockKind,
    ClockOutcome,
    ClockStepKind,
    ExtensionState,
    HandlerRole,
    ReplyState,
)
from dispatch.workflow import ACTIONS
from grid.api.serializers import ChoiceLabelField
from grid.clocks import clock_state
from reports.api.serializers import (
    CLOCK_STATES,
    CaseUnitSerializer,
    RegionRef,
    ReportListSerializer,
    UnitRef,
)
from reports.models import AnswerChannel, Category, Grade, Status


class LocalTimes:
    """Times written in the time zone current now, looked up once per serializer (DRF looks
    it up for every time it writes; see ``ReportListSerializer.get_fields``)."""

    def get_fields(self):
        fields = super().get_fields()
        zone = timezone.get_current_timezone()
        for f in fields.values():
            if isinstance(f, serializers.DateTimeField):
                f.timezone = zone
        return fields


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices.choices, read_only=True, **kwargs)


class PersonNameField(serializers.Field):
    """A person by name (None if absent)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source, None)

    def to_representation(self, value):
        return value.get_full_name()


PersonName = extend_schema_field(serializers.CharField(allow_null=True))(PersonNameField)


# --- list rows -------------------------------------------------------------------------------


class RoutingRefSerializer(LocalTimes, serializers.Serializer):
    """A case's current routing, as a list row shows it."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    grade = _choice(Grade)
    lead_unit = UnitRef()
    routed_at = serializers.DateTimeField()
    claim_due_at = serializers.DateTimeField()
    reply_due_at = serializers.DateTimeField()
    reply_due_assumed = serializers.BooleanField(
        help_text="The reply deadline was counted Monday to Friday: the working calendar does "
        "not hold that year yet."
    )
    reply_state = _choice(ReplyState)
    reply_state_display = ChoiceLabelField(ReplyState, source="reply_state")
    promised_at = serializers.DateTimeField(allow_null=True)


class BounceSerializer(LocalTimes, serializers.Serializer):
    """A routing the lead unit sent back as not its remit: the misroute and its reason."""

    number = serializers.IntegerField()
    unit = UnitRef(source="lead_unit")
    reason = serializers.CharField(source="bounce_reason")
    at = serializers.DateTimeField(source="bounced_at")


class ConsoleRowSerializer(ReportListSerializer):
    """One row of the city duty console: the case as the county queue lists it, when it came
    up to the city and how long it has waited, its current routing and its last bounce.
    Context: ``now`` and ``request``; rows from ``dispatch.selectors.with_routings``."""

    escalated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    waiting_seconds = serializers.SerializerMethodField(
        help_text="Seconds since the case was first escalated to the city."
    )
    routing = serializers.SerializerMethodField()
    last_bounce = serializers.SerializerMethodField()

    def get_waiting_seconds(self, obj) -> int | None:
        if obj.escalated_at is None:
            return None
        return int((self.context["now"] - obj.escalated_at).total_seconds())

    @extend_schema_field(RoutingRefSerializer(allow_null=True))
    def get_routing(self, obj) -> dict | None:
        current = obj.routings.current
        return RoutingRefSerializer(current).data if current is not None else None

    @extend_schema_field(BounceSerializer(allow_null=True))
    def get_last_bounce(self, obj) -> dict | None:
        bounce = obj.routings.last_bounce
        return BounceSerializer(bounce).data if bounce is not None else None


class InboxCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField()
    title = serializers.CharField()
    status = _choice(Status)
    status_display = ChoiceLabelField(Status, source="status")
    category = _choice(Category)
    category_display = ChoiceLabelField(Category, source="category")
    region = RegionRef()


class InboxRoutingSerializer(LocalTimes, serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    grade = _choice(Grade)
    grade_display = ChoiceLabelField(Grade, source="grade")
    routed_at = serializers.DateTimeField()
    claim_due_at = serializers.DateTimeField()
    claim_due_assumed = serializers.BooleanField()
    reply_due_at = serializers.DateTimeField()
    reply_due_assumed = serializers.BooleanField()
    promised_at = serializers.DateTimeField(allow_null=True)
    reply_state = _choice(ReplyState)
    reply_state_display = ChoiceLabelField(ReplyState, source="reply_state")


class InboxRowSerializer(LocalTimes, serializers.Serializer):
    """One row of a unit's inbox: the case, the unit's part in it, the routing's deadlines
    and the clock of the next one (the claim until claimed, then the reply). Context: ``now``."""

    id = serializers.IntegerField(help_text="The unit's handling of the case (not the case).")
    case = InboxCaseSerializer(source="report")
    role = _choice(HandlerRole)
    role_display = ChoiceLabelField(HandlerRole, source="role")
    claimed_at = serializers.DateTimeField(allow_null=True)
    routing = InboxRoutingSerializer(source="assignment")
    due_at = serializers.DateTimeField(help_text="The next deadline: claim, then reply.")
    clock = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    def _clock(self, obj) -> str:
        done = obj.claimed_at is not None and obj.assignment.reply_state == ReplyState.APPROVED
        return clock_state(
            start=obj.assignment.routed_at, due=obj.due_at, now=self.context["now"], done=done
        )

    @extend_schema_field(serializers.ChoiceField(choices=CLOCK_STATES))
    def get_clock(self, obj) -> str:
        return self._clock(obj)

    def get_overdue(self, obj) -> bool:
        now = self.context["now"]
        promised = obj.assignment.promised_at
        return self._clock(obj) == "red" or (promised is not None and promised < now)


# --- one case --------------------------------------------------------------------------------


class HandlerSerializer(LocalTimes, serializers.Serializer):
    unit = UnitRef()
    role = _choice(HandlerRole)
    role_display = ChoiceLabelField(HandlerRole, source="role")
    claimed_at = serializers.DateTimeField(allow_null=True)
    claimed_by = PersonName()
    contribution = serializers.CharField(help_text="A co-handling unit's input for the lead.")
    contributed_at = serializers.DateTimeField(allow_null=True)


class ReplySerializer(LocalTimes, serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first reply, 2 for its revision, …")
    state = _choice(ReplyState)
    state_display = ChoiceLabelField(ReplyState, source="state")
    disposal = serializers.CharField()
    citizen_text = serializers.CharField()
    submitted_by = PersonName()
    submitted_at = serializers.DateTimeField()
    reviewed_by = PersonName()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_comment = serializers.CharField()
    published_via = _choice(AnswerChannel, allow_blank=True)
    published_where = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class ExtensionSerializer(LocalTimes, serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()
    requested_by = PersonName()
    requested_at = serializers.DateTimeField()
    state = _choice(ExtensionState)
    state_display = ChoiceLabelField(ExtensionState, source="state")
    decided_by = PersonName()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_comment = serializers.CharField()
    old_due_at = serializers.DateTimeField()
    new_due_at = serializers.DateTimeField(allow_null=True)
    new_due_assumed = serializers.BooleanField()


class ClockSerializer(LocalTimes, serializers.Serializer):
    kind = _choice(ClockKind)
    kind_display = ChoiceLabelField(ClockKind, source="kind")
    unit_id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    assumed_weekdays = serializers.BooleanField(
        help_text="Counted Monday to Friday: the working calendar does not hold that year yet."
    )
    remind_at = serializers.DateTimeField(allow_null=True)
    supervise_at = serializers.DateTimeField(allow_null=True)
    next_step = serializers.ChoiceField(choices=ClockStepKind.choices, allow_blank=True)
    stopped_at = serializers.DateTimeField(allow_null=True)
    outcome = _choice(ClockOutcome, allow_blank=True)
    state = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=CLOCK_STATES))
    def get_state(self, obj) -> str:
        return clock_state(
            start=obj.started_at,
            due=obj.due_at,
            now=self.context["now"],
            done=obj.stopped_at is not None,
        )


class NoticeSerializer(LocalTimes, serializers.Serializer):
    """A supervision notice (督办函) and the unit's written explanation (书面说明)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    unit = UnitRef()
    issued_at = serializers.DateTimeField()
    missed = serializers.ListField(
        child=serializers.DictField(),
        help_text="The deadlines missed: `clock` (claim, reply, promise), `due_at`, "
        "`assumed_weekdays`.",
    )
    demand = serializers.CharField()
    explanation_due_at = serializers.DateTimeField()
    explanation_due_assumed = serializers.BooleanField()
    explanation = serializers.CharField()
    explained_by = PersonName()
    explained_at = serializers.DateTimeField(allow_null=True)


class NoticeCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField()
    title = serializers.CharField()


class NoticeListSerializer(NoticeSerializer):
    case = NoticeCaseSerializer(source="report")


class RoutingSerializer(LocalTimes, serializers.Serializer):
    """One routing of the case, with everything done on it."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    state = _choice(AssignmentState)
    state_display = ChoiceLabelField(AssignmentState, source="state")
    grade = _choice(Grade)
    grade_display = ChoiceLabelField(Grade, source="grade")
    lead_unit = UnitRef()
    routed_by = PersonName()
    routed_at = serializers.DateTimeField()
    instruction = serializers.CharField()
    claim_due_at = serializers.DateTimeField()
    claim_due_assumed = serializers.BooleanField()
    reply_due_at = serializers.DateTimeField()
    reply_due_assumed = serializers.BooleanField()
    reply_proposed_at = serializers.DateTimeField(
        help_text="What the rule proposed; the officer may have set an earlier deadline."
    )
    reply_max_due_at = serializers.DateTimeField(
        help_text="The latest an extension may move the reply to (the rule's maximum)."
    )
    promised_at = serializers.DateTimeField(allow_null=True)
    promise_note = serializers.CharField()
    reply_state = _choice(ReplyState)
    reply_state_display = ChoiceLabelField(ReplyState, source="reply_state")
    published_at = serializers.DateTimeField(allow_null=True)
    bounced_at = serializers.DateTimeField(allow_null=True)
    bounced_by = PersonName()
    bounce_reason = serializers.CharField()
    ended_at = serializers.DateTimeField(allow_null=True)
    handlers = HandlerSerializer(many=True, source="handlers.all")
    replies = ReplySerializer(many=True, source="replies.all")
    extensions = ExtensionSerializer(many=True, source="extensions.all")
    clocks = ClockSerializer(many=True, source="clocks.all")
    notices = NoticeSerializer(many=True, source="notices.all")


class ActionChoiceSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(ACTIONS))
    label = serializers.CharField()


class AcknowledgementSerializer(LocalTimes, serializers.Serializer):
    notified_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class CaseDispatchSerializer(serializers.Serializer):
    """What dispatch holds on one case for the caller: its routings (newest first), the
    actions the caller may take now, and their acknowledgement if it is a major case.
    Context: ``now``, ``available_actions``; the object is a ``CaseDispatch``."""

    case_id = serializers.IntegerField()
    routings = RoutingSerializer(many=True)
    available_actions = serializers.SerializerMethodField()
    acknowledgement = AcknowledgementSerializer(source="my_acknowledgement", allow_null=True)

    @extend_schema_field(ActionChoiceSerializer(many=True))
    def get_available_actions(self, obj) -> list[dict]:
        return [
            {"name": name, "label": str(ACTIONS[name].label)}
            for name in self.context["available_actions"]
        ]


class SuggestedUnitSerializer(serializers.Serializer):
    unit = CaseUnitSerializer()
    count = serializers.IntegerField(
        help_text="Routings of this category in this county in the last 90 days (misroutes "
        "left out)."
    )


class DeadlineSerializer(LocalTimes, serializers.Serializer):
    at = serializers.DateTimeField()
    assumed_weekdays = serializers.BooleanField()


class RouteSuggestionsSerializer(serializers.Serializer):
    """Whom to route the case to, and the reply deadline the rule proposes for each grade."""

    frequent = SuggestedUnitSerializer(many=True)
    county_units = CaseUnitSerializer(
        many=True, help_text="The county's own platform: for general cases."
    )
    emergency_centre = CaseUnitSerializer(
        allow_null=True, help_text="Leads difficult cases and sudden incidents."
    )
    reply_due = serializers.DictField(
        child=DeadlineSerializer(), help_text="By grade: the latest the reply may be due."
    )


class MajorCaseSerializer(LocalTimes, serializers.Serializer):
    """A major case the caller was asked to acknowledge and has not."""

    case = NoticeCaseSerializer(source="report")
    notified_at = serializers.DateTimeField()
