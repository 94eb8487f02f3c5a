"""Writes of a consultation: open it, give a view, conclude it; and what routing does with it.

Refusals come in the order of the case's own steps (domain.md): 404 if the case is outside the
person's sight, 409 if the consultation's state does not allow the step, 403 if this person may
not, 400 for bad input. Each step locks the case row, so two people acting at once are
serialised, and writes one event on the case's timeline in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from directives.consultations import rules
from directives.consultations.forms import ConcludeForm, OpenForm, OpinionForm
from directives.consultations.models import Consultation, ConsultationState, Invitee, Opinion
from grid.models import Role, User
from notifications.services import notify_where
from reports.models import Report, ReportEvent
from reports.services import PayloadInvalid

OPENED = "consultation_opened"
OPINION = "consultation_opinion"
CONCLUDED = "consultation_concluded"
INVITED = "consultation_invited"


class ConsultationConflict(TransitionNotAllowed):
    """The consultation's state does not allow the step (409, like a transition's)."""


def _case_locked(report_id: int, by: User) -> Report:
    report = (
        Report.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=report_id).first()
    )
    if report is None:
        raise Report.DoesNotExist(_("No such case in your jurisdiction."))
    return report


def _open_of(report: Report) -> Consultation | None:
    return (
        Consultation.objects.select_for_update()
        .filter(report=report, state=ConsultationState.OPEN)
        .first()
    )


def _event(report: Report, *, by: User, name: str, at: datetime, comment: str, data: dict):
    """One step on the case's timeline; it leaves the case's status as it was (staff only)."""
    return ReportEvent.objects.create(
        report=report,
        transition=name,
        source=report.status,
        target=report.status,
        actor=by,
        at=at,
        comment=comment,
        data=data,
        internal=True,
    )


def consultation_open(
    *,
    report_id: int,
    by: User,
    data: Mapping,
    now: datetime | None = None,
    prefix: str | None = None,
) -> Consultation:
    """Ask the chosen units and leaders for their view on a case awaiting routing, by a
    deadline; they are told, and the units' liaisons may read the case meanwhile."""
    with transaction.atomic():
        report = _case_locked(report_id, by)
        now = now or timezone.now()
        if report.status not in rules.OPENS_IN:
            raise ConsultationConflict(
                _("A consultation is opened on a case awaiting routing by the city.")
            )
        if _open_of(report) is not None:
            raise ConsultationConflict(_("This case already has an open consultation."))
        if not rules.may_run(by, report):
            raise PermissionDenied(_("Only the city's duty officers consult on a case."))
        form = OpenForm(data, report=report, now=now, prefix=prefix)
        if not form.is_valid():
            raise PayloadInvalid(form)
        units, leaders = list(form.cleaned_data["units"]), list(form.cleaned_data["leaders"])
        consultation = Consultation.objects.create(
            report=report,
            question=form.cleaned_data["question"],
            opened_by=by,
            opened_at=now,
            due_at=form.cleaned_data["due_at"],
        )
        Invitee.objects.bulk_create(
            [Invitee(consultation=consultation, report=report, unit=u) for u in units]
            + [Invitee(consultation=consultation, report=report, leader=p) for p in leaders]
        )
        _event(
            report,
            by=by,
            name=OPENED,
            at=now,
            comment=consultation.question,
            data={
                "consultation": consultation.pk,
                "due_at": consultation.due_at.isoformat(),
                "invited": [u.name for u in units] + [p.get_full_name() for p in leaders],
            },
        )
        notify_where(
            recipients=User.objects.filter(is_active=True).filter(
                Q(role=Role.UNIT_LIAISON, unit__in=units) | Q(pk__in=[p.pk for p in leaders])
            ),
            kind=INVITED,
            subject=report.case_number,
            text=consultation.question,
            url=reverse("report-detail", args=[report.pk]),
        )
    return consultation


def _invitee_of(consultation: Consultation, user: User) -> Invitee | None:
    if user.role == Role.LEADER:
        mine = Q(leader=user)
    elif user.role == Role.UNIT_LIAISON and user.unit_id is not None:
        mine = Q(unit_id=user.unit_id)
    else:
        return None
    return consultation.invitees.filter(mine).select_for_update().first()


def consultation_give_opinion(
    *,
    report_id: int,
    by: User,
    data: Mapping,
    now: datetime | None = None,
    prefix: str | None = None,
) -> Opinion:
    """An invitee's view, once, in the order given; after the deadline it is marked late."""
    with transaction.atomic():
        report = _case_locked(report_id, by)
        now = now or timezone.now()
        consultation = _open_of(report)
        if consultation is None:
            raise ConsultationConflict(_("This case has no open consultation."))
        invitee = _invitee_of(consultation, by)
        if invitee is None:
            raise PermissionDenied(_("You are not invited to this consultation."))
        if Opinion.objects.filter(invitee=invitee).exists():
            raise ConsultationConflict(_("Your view on this consultation is given already."))
        form = OpinionForm(data, prefix=prefix)
        if not form.is_valid():
            raise PayloadInvalid(form)
        opinion = Opinion.objects.create(
            consultation=consultation,
            invitee=invitee,
            author=by,
            text=form.cleaned_data["text"],
            at=now,
            late=now > consultation.due_at,
        )
        _event(
            report,
            by=by,
            name=OPINION,
            at=now,
            comment=opinion.text,
            data={"consultation": consultation.pk, "late": opinion.late}
            | ({"unit_name": by.unit.name} if invitee.unit_id else {}),
        )
    return opinion


def consultation_conclude(
    *,
    report_id: int,
    by: User,
    data: Mapping,
    now: datetime | None = None,
    prefix: str | None = None,
) -> Consultation:
    """Record the conclusion the routing is decided on; the invited units read the case no
    more."""
    with transaction.atomic():
        report = _case_locked(report_id, by)
        now = now or timezone.now()
        consultation = _open_of(report)
        if consultation is None:
            raise ConsultationConflict(_("This case has no open consultation."))
        if not rules.may_run(by, report):
            raise PermissionDenied(_("Only the city's duty officers consult on a case."))
        form = ConcludeForm(data, prefix=prefix)
        if not form.is_valid():
            raise PayloadInvalid(form)
        consultation.state = ConsultationState.CONCLUDED
        consultation.concluded_by, consultation.concluded_at = by, now
        consultation.conclusion = form.cleaned_data["conclusion"]
        consultation.save(update_fields=["state", "concluded_by", "concluded_at", "conclusion"])
        # The grant ends here: one UPDATE, whatever the number of invitees.
        Invitee.objects.filter(consultation=consultation).update(is_open=False)
        _event(
            report,
            by=by,
            name=CONCLUDED,
            at=now,
            comment=consultation.conclusion,
            data={
                "consultation": consultation.pk,
                "opinions": consultation.opinions.count(),
            },
        )
    return consultation


def after_route(step) -> None:
    """reports' hook on ``route`` (and ``reject``): not while a consultation is open; the
    routing keeps the conclusion it was decided on (the consultation points to its event)."""
    if Consultation.objects.filter(report=step.report, state=ConsultationState.OPEN).exists():
        raise ConsultationConflict(_("Conclude the consultation on this case first."))
    if step.name == "route":
        Consultation.objects.filter(
            report=step.report, state=ConsultationState.CONCLUDED, route_event__isnull=True
        ).update(route_event=step.event)
