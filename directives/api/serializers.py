"""The API's shapes of notices: one output per resource, the create payload."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directives.models import (
    ForwardPlatform,
    ForwardScreenshot,
    Notice,
    NoticeForward,
    NoticeKind,
    NoticeRecipient,
)
from directives.selectors import forward_of
from grid.models import Region, Unit
from reports.models import Report


class DirectiveNoticeFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="download_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("directives-notice-file", args=[obj.notice_id, obj.pk])


class DirectiveNoticeListSerializer(serializers.ModelSerializer):
    """A notice as lists show it."""

    issued_by = serializers.CharField(source="issued_by.get_full_name")
    issuing_node = serializers.CharField(source="region.name")

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "issued_by",
            "issuing_node",
            "issued_at",
            "needs_ack",
            "ack_due_at",
            "needs_report",
            "report_due_at",
            "recipient_count",
        ]


class DirectiveTrackingSerializer(serializers.Serializer):
    """How far a notice has got, by node (for those who follow it)."""

    total = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    acknowledged_late = serializers.IntegerField()
    reported = serializers.IntegerField()
    reported_late = serializers.IntegerField()
    late = serializers.IntegerField(help_text="Nodes past a deadline without doing what it asks.")
    forwarded = serializers.IntegerField(help_text="Nodes that marked a push forwarded.")


class DirectiveForwardSerializer(serializers.ModelSerializer):
    """Where a node forwarded a push, when, by whom, and its screenshot's address if any."""

    forwarded_by = serializers.CharField(source="forwarded_by.get_full_name")
    screenshot_url = serializers.SerializerMethodField()

    class Meta:
        model = NoticeForward
        fields = ["forwarded_at", "forwarded_by", "platform", "place", "screenshot_url"]

    def get_screenshot_url(self, obj) -> str | None:
        try:
            obj.screenshot  # noqa: B018 (read with the row)
        except ForwardScreenshot.DoesNotExist:
            return None
        recipient = obj.recipient
        return reverse("directives-forward-screenshot", args=[recipient.notice_id, recipient.pk])


class DirectiveMyNodeSerializer(serializers.ModelSerializer):
    """What the caller's own node did about the notice."""

    forward = serializers.SerializerMethodField()

    class Meta:
        model = NoticeRecipient
        fields = ["id", "acknowledged_at", "reported_at", "report_text", "forward"]

    @extend_schema_field(DirectiveForwardSerializer(allow_null=True))
    def get_forward(self, obj):
        forward = forward_of(obj)
        return DirectiveForwardSerializer(forward).data if forward is not None else None


class DirectiveNoticeDetailSerializer(DirectiveNoticeListSerializer):
    """A notice with its text and files; ``tracking`` for those who follow it, ``my_node``
    for a recipient (each null otherwise)."""

    body = serializers.CharField()
    audience = serializers.JSONField()
    share_text = serializers.CharField(help_text="A push's text to forward.")
    share_link = serializers.CharField(help_text="A push's link to forward.")
    relayed_from = serializers.CharField(help_text="Relayed from above: who sent it.")
    relayed_received_at = serializers.DateTimeField(allow_null=True)
    attachments = DirectiveNoticeFileSerializer(many=True)
    tracking = serializers.SerializerMethodField()
    my_node = serializers.SerializerMethodField()

    class Meta(DirectiveNoticeListSerializer.Meta):
        fields = [
            *DirectiveNoticeListSerializer.Meta.fields,
            "body",
            "audience",
            "share_text",
            "share_link",
            "relayed_from",
            "relayed_received_at",
            "attachments",
            "tracking",
            "my_node",
        ]

    @extend_schema_field(DirectiveTrackingSerializer(allow_null=True))
    def get_tracking(self, obj):
        tracking = self.context.get("tracking")
        return DirectiveTrackingSerializer(tracking).data if tracking is not None else None

    @extend_schema_field(DirectiveMyNodeSerializer(allow_null=True))
    def get_my_node(self, obj):
        recipient = self.context.get("recipient")
        return DirectiveMyNodeSerializer(recipient).data if recipient is not None else None


class DirectiveNodeSerializer(serializers.ModelSerializer):
    """One node of a notice's tracking."""

    node = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()
    county = serializers.CharField(source="county.name", default="")
    township = serializers.CharField(source="township.name", default="")
    forward = serializers.SerializerMethodField()

    class Meta:
        model = NoticeRecipient
        fields = [
            "id",
            "kind",
            "node",
            "county",
            "township",
            "acknowledged_at",
            "reported_at",
            "report_text",
            "reminders",
            "forward",
        ]

    @extend_schema_field(DirectiveForwardSerializer(allow_null=True))
    def get_forward(self, obj):
        forward = forward_of(obj)
        return DirectiveForwardSerializer(forward).data if forward is not None else None

    def get_node(self, obj) -> str:
        return obj.grid_point.name if obj.grid_point_id else obj.unit.name

    def get_kind(self, obj) -> str:
        return "grid_point" if obj.grid_point_id else "unit"


class DirectiveNoticeCreateSerializer(serializers.Serializer):
    """Issue a notice to every active grid point under ``regions`` and to ``units`` (ids
    within your jurisdiction), with what it asks and by when."""

    kind = serializers.ChoiceField(choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    regions = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Region.objects.none()
    )
    units = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Unit.objects.none()
    )
    needs_ack = serializers.BooleanField(default=True)
    ack_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    needs_report = serializers.BooleanField(default=False)
    report_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=9
    )
    share_text = serializers.CharField(
        max_length=5000,
        required=False,
        default="",
        allow_blank=True,
        help_text="A push (refutation, statement): the text the nodes forward.",
    )
    share_link = serializers.URLField(
        max_length=500,
        required=False,
        default="",
        allow_blank=True,
        help_text="A push: the link the nodes forward.",
    )
    reports = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        default=list,
        queryset=Report.objects.none(),
        help_text="A push: the reports about the rumour (ids of cases you may see).",
    )
    relayed_from = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="An instruction from above relayed onward: who sent it (written in the "
        "log of the duty you are on).",
    )
    relayed_received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is None:  # the schema's view of it
            return
        self.fields["reports"].child_relation.queryset = Report.objects.visible_to(user)
        self.fields["regions"].child_relation.queryset = Region.objects.visible_to(user)
        self.fields["units"].child_relation.queryset = Unit.objects.visible_to(user).filter(
            is_active=True
        )


class DirectiveReportSerializer(serializers.Serializer):
    """A node's completion report (its text is checked after the notice's state)."""

    text = serializers.CharField(max_length=10000)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class DirectiveForwardCreateSerializer(serializers.Serializer):
    """Mark a push forwarded for your node: where (platform, group or account) and perhaps a
    screenshot (JPEG, PNG or WebP; multipart)."""

    platform = serializers.ChoiceField(choices=ForwardPlatform.choices)
    place = serializers.CharField(max_length=200)
    screenshot = serializers.FileField(required=False, allow_null=True, default=None)


class DirectiveCoverageSerializer(serializers.Serializer):
    """One area of a push's coverage (a county, or a township of the county asked)."""

    id = serializers.IntegerField(allow_null=True, help_text="Null: units above this level.")
    name = serializers.CharField()
    total = serializers.IntegerField(help_text="Nodes of the push there.")
    forwarded = serializers.IntegerField(help_text="Of them, nodes that marked it forwarded.")
    share = serializers.IntegerField(help_text="Forwarded, in whole percent.")
