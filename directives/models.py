"""Notices and instructions sent down the grid (通知/指令下达), and what each node did with one.

A :class:`Notice` is issued once to a set of nodes (grid points and units) inside the issuer's
jurisdiction; each node gets one :class:`NoticeRecipient` row, created set-based when the
notice is issued. The acknowledgement (签收) and the completion report (落实反馈) are also
expected submissions (:mod:`duty.kinds`, kinds ``notice_ack`` and ``notice_report``) so that
the duty sweep marks the late ones missed at the deadline like every other deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grid.scoping import JurisdictionQuerySet
from reports.attachments import served_name


class NoticeKind(models.TextChoices):
    """What sort of message goes down the grid."""

    NOTICE = "notice", _("Notice")  # 通知: for information, perhaps acknowledged
    INSTRUCTION = "instruction", pgettext_lazy("notice kind", "Instruction")  # 指令: to act on
    # 辟谣·权威信息推送: a text or link for the nodes to forward into the groups they watch.
    REFUTATION = "refutation", _("Rumour refutation")  # 辟谣
    STATEMENT = "statement", _("Authoritative statement")  # 权威信息


# The kinds whose recipients forward it (and mark where) rather than acknowledge or report.
PUSH_KINDS = frozenset({NoticeKind.REFUTATION, NoticeKind.STATEMENT})


class NoticeQuerySet(JurisdictionQuerySet):
    # The issuer's home node: who may follow a notice is whoever sees that node.
    jurisdiction_field = "region__path"


class Notice(models.Model):
    """A notice or instruction issued to chosen nodes, with what it asks of them and by when."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.NOTICE
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="notices_issued",
    )
    region = models.ForeignKey(
        "grid.Region",
        verbose_name=_("issuing node"),
        on_delete=models.PROTECT,
        related_name="notices_issued",
    )
    issued_at = models.DateTimeField(_("issued at"))
    needs_ack = models.BooleanField(_("needs acknowledgement"), default=True)
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    needs_report = models.BooleanField(_("needs a completion report"), default=False)
    report_due_at = models.DateTimeField(_("report by"), null=True, blank=True)
    # Who it was addressed to, as chosen (the regions' and units' names), for the detail page.
    audience = models.JSONField(_("addressed to"), default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(_("nodes"), default=0)
    # An authoritative push: what the nodes forward (a text, a link or both).
    share_text = models.TextField(_("text to forward"), blank=True)
    share_link = models.URLField(_("link to forward"), max_length=500, blank=True)
    # The reports about the rumour: their case pages show what was done about it.
    reports = models.ManyToManyField(
        "reports.Report", verbose_name=_("linked reports"), blank=True, related_name="+"
    )
    # An instruction received from above and relayed onward (上级指令): from whom, when.
    relayed_from = models.CharField(_("received from"), max_length=200, blank=True)
    relayed_received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["issued_by", "-issued_at"], name="notice_issuer"),
            models.Index(fields=["-issued_at", "-id"], name="notice_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_ack=False) | Q(ack_due_at__isnull=False),
                name="notice_ack_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(needs_report=False) | Q(report_due_at__isnull=False),
                name="notice_report_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_push(self) -> bool:
        """Whether the nodes forward it (a rumour refutation or an authoritative statement)."""
        return self.kind in PUSH_KINDS

    @property
    def period(self):
        """The period of its expected submissions: the local day it was issued."""
        from django.utils import timezone

        return timezone.localdate(self.issued_at)


def notice_file_path(instance, filename: str) -> str:
    # No user-supplied name on disk: the content hash names the file.
    return f"notices/{instance.sha256[:2]}/{instance.sha256}"


class AttachmentFields(models.Model):
    """What every stored file of a notice carries (checked by reports.attachments)."""

    file = models.FileField(upload_to=notice_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_verified_image(self) -> bool:
        return self.width is not None and self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        return served_name(self.original_name, self.content_type)


class NoticeAttachment(AttachmentFields):
    """A document or picture sent with the notice."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["notice", "id"]


class NoticeRecipientQuerySet(JurisdictionQuerySet):
    jurisdiction_field = "region_path"


class NoticeRecipient(models.Model):
    """One node a notice was sent to (a grid point or a unit), and what it did about it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    grid_point = models.ForeignKey(
        "grid.GridPoint",
        verbose_name=_("grid point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "grid.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Copied from the node when the notice was issued (scoping and the by-county view).
    region_path = models.CharField(max_length=255, editable=False)
    county = models.ForeignKey(
        "grid.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The node's township (None for a unit above one): the coverage of a push by township.
    township = models.ForeignKey(
        "grid.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_text = models.TextField(_("completion report"), blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)

    objects = NoticeRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["notice", "region_path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grid_point__isnull=True) ^ Q(unit__isnull=True),
                name="notice_recipient_one_node",
            ),
            models.UniqueConstraint(
                fields=["notice", "grid_point"], name="notice_recipient_point_once"
            ),
            models.UniqueConstraint(fields=["notice", "unit"], name="notice_recipient_unit_once"),
        ]
        indexes = [
            # The tracking page: a notice's nodes in grid order.
            models.Index(fields=["notice", "region_path"], name="notice_recipient_tracking"),
            # A person's inbox: the notices sent to their grid point or unit.
            models.Index(fields=["grid_point", "notice"], name="notice_recipient_point"),
            models.Index(fields=["unit", "notice"], name="notice_recipient_unit"),
            # A push's coverage: its nodes grouped by county, then by township.
            models.Index(fields=["notice", "county", "township"], name="notice_recipient_area"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.grid_point_id or self.unit_id}"

    @property
    def owner(self) -> dict:
        """The node as the expected-submission services name it."""
        return {"grid_point_id": self.grid_point_id, "unit_id": self.unit_id}


class ReportAttachment(AttachmentFields):
    """A picture or document sent with a node's completion report."""

    recipient = models.ForeignKey(
        NoticeRecipient, on_delete=models.CASCADE, related_name="report_attachments"
    )

    class Meta:
        verbose_name = _("completion report attachment")
        verbose_name_plural = _("completion report attachments")
        ordering = ["recipient", "id"]


class ForwardPlatform(models.TextChoices):
    """Where a node forwarded an authoritative push."""

    WECHAT_GROUP = "wechat_group", _("WeChat group")
    QQ_GROUP = "qq_group", _("QQ group")
    WEIBO = "weibo", _("Weibo")
    DOUYIN = "douyin", _("Douyin")
    FORUM = "forum", _("Forum or community site")
    OTHER = "other", _("Other")


class NoticeForward(models.Model):
    """A node's record that it forwarded an authoritative push, and where (once per node)."""

    recipient = models.OneToOneField(
        NoticeRecipient, on_delete=models.CASCADE, related_name="forward"
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"))
    platform = models.CharField(_("platform"), max_length=20, choices=ForwardPlatform.choices)
    place = models.CharField(_("group or account"), max_length=200)

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["recipient", "id"]

    def __str__(self) -> str:
        return f"{self.recipient_id} → {self.place}"


class ForwardScreenshot(AttachmentFields):
    """The screenshot a node may add to show its forwarding (a verified picture)."""

    forward = models.OneToOneField(
        NoticeForward, on_delete=models.CASCADE, related_name="screenshot"
    )

    class Meta:
        verbose_name = _("forwarding screenshot")
        verbose_name_plural = _("forwarding screenshots")


import directives.consultations.models, directives.ledger.models  # noqa: E401, E402, F401, I001
