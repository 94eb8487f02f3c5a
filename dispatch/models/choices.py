"""The choice sets of dispatch: routings, handlers, replies, extensions, clocks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentState(models.TextChoices):
    """Where one routing of a case stands."""

    ACTIVE = "active", _("In progress")  # the case's current routing: its units are working on it
    BOUNCED = "bounced", _("Sent back as not the unit's")  # a misroute, counted against it
    CLOSED = "closed", _("Closed")  # the case closed on this routing
    SUPERSEDED = "superseded", _("Superseded")  # the case was reopened: a new routing took over


class HandlerRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")  # 牵头单位: replies
    CO = "co", _("Co-handling unit")  # 协办单位: adds its input


class ReplyState(models.TextChoices):
    """Where the lead unit's reply stands (on the routing: its latest reply)."""

    NONE = "none", _("No reply yet")
    PENDING = "pending", _("Awaiting review")
    SENT_BACK = "sent_back", _("Sent back for revision")
    APPROVED = "approved", _("Approved and published")


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("Approve and publish")
    SEND_BACK = "send_back", _("Send back for revision")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionDecision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")


class ClockKind(models.TextChoices):
    """The deadlines of a routing that the sweep watches."""

    CLAIM = "claim", _("Claim")  # each unit claims (签收) the case
    REPLY = "reply", _("Reply")  # the lead unit's reply, approved
    PROMISE = "promise", _("Promised completion")  # 承诺时限, when the unit set one


class ClockStepKind(models.TextChoices):
    """What the sweep does as a deadline nears and passes, in this order."""

    REMIND = "remind", _("Reminder")  # at the rule's share of the time (80 %)
    URGE = "urge", _("Urging")  # 催办: the deadline passed
    SUPERVISE = "supervise", _("Supervision notice")  # 督办函: the grace period passed too


class ClockOutcome(models.TextChoices):
    MET = "met", _("Met")  # claimed, replied (and approved), done as promised
    MOVED = "moved", _("Moved")  # an extension or a new promise gave a new deadline
    ENDED = "ended", _("Ended")  # the routing ended (bounced, closed, superseded)
