"""Corrections of a case's data that are not workflow steps; the original stays on record."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Role, User
from reports.models import Category, Report, ReportAmendment, Status


def report_amend_category(
    *, report_id: int, by: User, category: str, reason: str, now: datetime | None = None
) -> Report:
    """Correct the category during triage; the reporter's original choice stays on record."""
    if category not in Category.values:
        raise ValidationError({"category": [_("Choose a category.")]})
    with transaction.atomic():
        report = Report.objects.visible_to(by).select_for_update().filter(pk=report_id).first()
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        # Read the clock only once the row is ours, so events of one case are in time order.
        now = now or timezone.now()
        if not (
            by.role in (Role.COUNTY_ADMIN, Role.DUTY_OFFICER)
            and report.status in (Status.SUBMITTED, Status.ESCALATED)
        ):
            raise PermissionDenied(_("You may not do this to this case."))
        ReportAmendment.objects.create(
            report=report,
            field="category",
            old_value=report.category,
            new_value=category,
            reason=reason,
            actor=by,
            at=now,
        )
        Report.objects.filter(pk=report.pk).update(category=category, updated_at=now)
        report.refresh_from_db()
    return report
