"""The one service that moves a case through its workflow, whoever asks: pages, API, bulk, tasks.

Every answer comes in the order the product promises (domain.md): 404 if the case is outside
the person's jurisdiction, 409 if its state does not allow the step (or it moved on from the
status the person decided on), 403 if this person may not, 400 for a bad payload. Each check
runs under the case's row lock, so of two people acting on one case at once one wins and the
other is told. The step is declared in :mod:`reports.workflow`; other apps extend it through
:mod:`reports.hooks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from grid.models import User
from reports.hooks import after_hooks, failed_condition
from reports.models import Report, ReportEvent, Status
from reports.workflow import TRANSITIONS, Step, payload_form


class UnknownTransition(LookupError):
    """No transition of that name (404)."""


class PayloadInvalid(ValidationError):
    """The payload form did not validate (400); ``form`` carries its errors for the page."""

    def __init__(self, form):
        self.form = form
        super().__init__(form.errors.as_data())


def report_transition(
    *,
    report_id: int,
    by: User,
    name: str,
    data: Mapping | None = None,
    prefix: str | None = None,
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Apply transition ``name`` to a case with payload ``data``; return the changed case.

    ``expected_status``: the status the person decided on; if the case has moved on, nothing
    changes (409). ``prefix``: the payload's form prefix (pages carry several forms).
    Writes the case, its event, the notifications of who must act and whatever registered
    hooks add, in one transaction.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise UnknownTransition(_("No such action."))
    with transaction.atomic():
        report = (
            Report.objects.visible_to(by)
            .select_for_update(of=("self",))
            .select_related("county", "lead_unit", "assigned_unit")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        # Read the clock only once the row is ours, so events of one case are in time order.
        now = now or timezone.now()
        if expected_status in Status.values and expected_status != report.status:
            raise ConcurrentTransition(report.status)  # grid.errors says what it means
        method = getattr(report, name)
        if not can_proceed(method):
            condition = failed_condition(name, report)
            if condition is not None and can_proceed(method, check_conditions=False):
                raise TransitionNotAllowed(condition.message)
            raise TransitionNotAllowed(
                _("This case is %(status)s; it cannot be changed that way now.")
                % {"status": report.get_status_display()}
            )
        if not has_transition_perm(method, by):
            raise PermissionDenied(_("You may not do this to this case."))
        form = payload_form(name)(data or {}, report=report, user=by, prefix=prefix, now=now)
        if not form.is_valid():
            raise PayloadInvalid(form)

        step = Step(
            report=report,
            by=by,
            name=name,
            source=report.status,
            now=now,
            cleaned=form.cleaned_data,
        )
        transition.apply(step)
        step.data.update(form.event_data())
        if report.disposal_reported_at is None and step.source == Status.SUBMITTED:
            # Leaving the county queue is the status of disposal the 24-hour clock waits for.
            report.disposal_reported_at = now
        report.save()
        step.event = ReportEvent.objects.create(
            report=report,
            transition=name,
            source=step.source,
            target=report.status,
            actor=by,
            at=now,
            comment=step.comment,
            data=step.data,
            unit=step.unit,
            internal=transition.internal,
        )
        if transition.tell is not None:
            transition.tell(step)
        for hook in after_hooks(name):
            hook(step)
    return report
