"""Telling the leaders on duty of a missed handover, once per duty (whoever's sweep marked the
expected submission missed: this one or the generic catch-up)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duty.handover_kind import HANDOVER
from duty.models import DutyDay, ExpectedSubmission, SubmissionStatus
from notifications.services import Message, notify_many

KIND = "duty_handover_missed"


def register_kinds() -> None:
    from notifications.kinds import Kind, register_kind

    register_kind(Kind(KIND, gettext_lazy("Handover missed")))


def handover_announce_missed(*, now: datetime, batch: int = 500) -> int:
    """Tell the leader on duty (of the incoming and the outgoing duty; the desk's person in
    charge when nobody leads) of each handover marked missed and not yet announced; each duty
    is announced once, even by two workers at once (its row locked, the marker written in the
    same transaction). Returns how many duties were announced."""
    since = now - timedelta(days=settings.DUTY_CATCHUP_DAYS + 1)
    missed = ExpectedSubmission.objects.filter(
        kind=HANDOVER, status=SubmissionStatus.MISSED, due_at__gte=since, due_at__lte=now
    ).values("subject_id")
    total = 0
    while True:
        with transaction.atomic():
            days = list(
                DutyDay.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=missed, handover_missed_told_at__isnull=True)
                .select_related("grid_point", "unit")
                .order_by("pk")[:batch]
            )
            if not days:
                return total
            before = {
                (d.grid_point_id, d.unit_id, d.date): d.leader_id
                for d in DutyDay.objects.filter(
                    date__in={day.date - timedelta(days=1) for day in days}
                )
                .filter(grid_point_id__in=[d.grid_point_id for d in days if d.grid_point_id])
                .only("grid_point_id", "unit_id", "date", "leader_id")
            }
            before.update(
                {
                    (d.grid_point_id, d.unit_id, d.date): d.leader_id
                    for d in DutyDay.objects.filter(
                        date__in={day.date - timedelta(days=1) for day in days},
                        unit_id__in=[d.unit_id for d in days if d.unit_id],
                    ).only("grid_point_id", "unit_id", "date", "leader_id")
                }
            )
            messages = []
            for day in days:
                outgoing_leader = before.get(
                    (day.grid_point_id, day.unit_id, day.date - timedelta(days=1))
                )
                recipients = [day.leader_id, outgoing_leader]
                if not any(recipients) and day.grid_point_id:
                    recipients = [day.grid_point.head_id]
                messages.append(
                    Message(
                        recipient_ids=[pk for pk in recipients if pk],
                        kind=KIND,
                        subject=f"{day.desk.name} · {day.date.isoformat()} "
                        f"{settings.DUTY_HANDOVER_TIME}",
                        text=_("It was not handed over and acknowledged by the deadline."),
                        url=reverse("duty-day", args=[day.pk]),
                        context={
                            "day": day.pk,
                            "date": day.date.isoformat(),
                            "desk": day.desk.name,
                        },
                    )
                )
            notify_many(messages=messages)
            DutyDay.objects.filter(pk__in=[d.pk for d in days]).update(handover_missed_told_at=now)
            total += len(days)
            if len(days) < batch:
                return total
