"""Reads of consultations: a case's, in order, with invitees and opinions (fixed queries)."""

from __future__ import annotations

from django.db.models import Prefetch

from directives.consultations.models import Consultation, Invitee, Opinion
from grid.models import User
from reports.models import Report


def consultations_of(*, report: Report) -> list[Consultation]:
    """Every consultation of ``report`` (one ``user`` may see), oldest first, each with its
    invitees and its opinions in the order given: three queries, however many."""
    return list(
        Consultation.objects.filter(report=report)
        .select_related("opened_by", "concluded_by", "route_event")
        .prefetch_related(
            Prefetch(
                "invitees",
                queryset=Invitee.objects.select_related("unit", "leader").order_by("id"),
            ),
            Prefetch(
                "opinions",
                queryset=Opinion.objects.select_related("author", "invitee__unit").order_by(
                    "at", "id"
                ),
            ),
        )
        .order_by("opened_at", "id")
    )


def invitee_of(consultation: Consultation, user: User) -> Invitee | None:
    """The invitation ``user`` answers in ``consultation`` (from its prefetched invitees)."""
    for invitee in consultation.invitees.all():
        if invitee.leader_id is not None and invitee.leader_id == user.pk:
            return invitee
        if invitee.unit_id is not None and invitee.unit_id == user.unit_id:
            return invitee
    return None


def answered(consultation: Consultation, invitee: Invitee) -> bool:
    return any(o.invitee_id == invitee.pk for o in consultation.opinions.all())
