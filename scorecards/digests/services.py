"""Sending the weekly digest: once per leader and week (a unique constraint), through the one
notification service, catching up the weeks a stopped beat missed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grid.models import Level, Role, User
from notifications.kinds import Kind, register_kind
from notifications.services import Message, notify_many
from scorecards.digests.figures import bounds, digest_figures, last_week
from scorecards.digests.models import WeeklyDigest

KIND = "scorecards_weekly_digest"
# The weeks looked at on each run: last week, and the one before should beat have been down
# on a Monday (a leader who joined after a week ended is not sent that week).
CATCHUP_WEEKS = 2


def register_kinds() -> None:
    register_kind(Kind(KIND, gettext_lazy("Weekly digest")))


def leaders():
    """City and county leaders, who get the digest of their node."""
    return User.objects.filter(
        role=Role.LEADER, is_active=True, region__level__in=[Level.CITY, Level.COUNTY]
    )


def subject_of(figures: dict) -> str:
    return _(
        "Weekly digest %(first)s to %(last)s: %(new)d new, %(closed)d closed, %(overdue)d overdue"
    ) % {
        "first": figures["week"],
        "last": figures["last_day"],
        "new": figures["new"],
        "closed": figures["closed"],
        "overdue": figures["overdue"],
    }


def digests_send(*, now: datetime | None = None) -> int:
    """Send the digests not sent yet of the last CATCHUP_WEEKS weeks; returns how many.

    One node's figures are computed once for all its leaders. Rows and notifications are
    written in one transaction per week: should another run have sent the week meanwhile,
    the unique constraint refuses the rows and that run's notifications go with them.
    """
    now = now or timezone.now()
    sent = 0
    newest = last_week(now)
    for back in range(CATCHUP_WEEKS - 1, -1, -1):
        week = newest - timedelta(days=7 * back)
        _start, end = bounds(week)
        due = list(
            leaders()
            .filter(date_joined__lt=end)
            .exclude(pk__in=WeeklyDigest.objects.filter(week=week).values("leader_id"))
            .select_related("region")
            .order_by("region_id", "pk")
        )
        if not due:
            continue
        by_region: dict[int, dict] = {}
        for leader in due:
            if leader.region_id not in by_region:
                by_region[leader.region_id] = digest_figures(leader.region, week, now=now)
        url = f"{reverse('scorecards-digest')}?week={week.isoformat()}"
        try:
            with transaction.atomic():
                WeeklyDigest.objects.bulk_create(
                    WeeklyDigest(
                        leader=leader,
                        week=week,
                        region_id=leader.region_id,
                        figures=by_region[leader.region_id],
                        sent_at=now,
                    )
                    for leader in due
                )
                sent += notify_many(
                    messages=[
                        Message(
                            recipient_ids=[
                                leader.pk for leader in due if leader.region_id == region_id
                            ],
                            kind=KIND,
                            subject=subject_of(figures),
                            text=_("Best: %(best)s. To improve: %(worst)s.")
                            % {
                                "best": "、".join(figures["best"]) or "—",
                                "worst": "、".join(figures["worst"]) or "—",
                            },
                            url=url,
                            context={"week": figures["week"]},
                        )
                        for region_id, figures in by_region.items()
                    ]
                )
        except IntegrityError:
            continue  # another run sent this week at the same time
    return sent
