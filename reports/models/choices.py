"""The choice sets of a case: statuses, categories, source platforms, grades, rejections."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a case is in its life."""

    SUBMITTED = "submitted", _("Submitted")  # in the county queue of the reporter's county
    RETURNED = "returned", _("Returned for more information")  # waiting for the reporter
    LOCAL_HANDLING = "local_handling", _("Local handling")  # a township/county unit handles it
    ESCALATED = "escalated", _("Escalated to the city")  # in the city duty queue
    ROUTED = "routed", _("Routed")  # graded and sent to its lead unit
    CLOSED = "closed", _("Closed")  # disposal and reply recorded and accepted
    REJECTED = "rejected", _("Rejected")  # invalid, duplicate (merged) or not accepted


OPEN_STATUSES = [
    Status.SUBMITTED,
    Status.RETURNED,
    Status.LOCAL_HANDLING,
    Status.ESCALATED,
    Status.ROUTED,
]


class Category(models.TextChoices):
    NEGATIVE = "negative", _("Negative sentiment")
    RUMOUR = "rumour", _("Rumour / false information")
    HARMFUL = "harmful", _("Harmful information")
    SECURITY = "security", _("Network security")
    APPEAL = "appeal", _("Public appeal / livelihood")
    OTHER = "other", _("Other")


class SourcePlatform(models.TextChoices):
    WECHAT_GROUP = "wechat_group", _("WeChat group")
    QQ_GROUP = "qq_group", _("QQ group")
    MOMENTS = "moments", _("WeChat Moments")
    WEIBO = "weibo", _("Weibo")
    SHORT_VIDEO = "short_video", _("Short video (Douyin/Kuaishou)")
    FORUM = "forum", _("Forum")
    NEWS = "news", _("News site")
    GOV_BOARD = "gov_board", _("Government message board")
    OFFLINE = "offline", _("Offline")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    """研判分级, lowest to highest."""

    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    DIFFICULT = "difficult", _("Difficult")
    SUDDEN = "sudden", _("Sudden incident")
    MAJOR = "major", _("Major")


class RejectKind(models.TextChoices):
    INVALID = "invalid", _("Invalid")
    DUPLICATE = "duplicate", _("Duplicate (merged)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class AnswerChannel(models.TextChoices):
    """How the citizen was answered when the case closed (答复方式)."""

    ON_PLATFORM = "on_platform", _("Reply where the post appeared")
    GOV_BOARD = "gov_board", _("Government message board")
    OFFICIAL_ACCOUNT = "official_account", _("Official account or website")
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Written reply")
    NOT_NEEDED = "not_needed", _("No reply needed")


class Satisfaction(models.TextChoices):
    """What the citizen said on the return visit (回访·满意度)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
