"""The consultation part of the case page (reports.case_panels, MAIN slot): the consultations
in order with every view given, and the form of the step the reader may take (open, give a
view, conclude). While one is open the part refreshes itself (htmx) so views appear live."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse

from directives.consultations import rules
from directives.consultations.forms import ConcludeForm, OpenForm, OpinionForm
from directives.consultations.models import Consultation
from directives.consultations.selectors import answered, consultations_of, invitee_of
from grid.panels import Panel
from reports import case_panels
from reports.case_panels import CasePage, keep_typed

OPEN, OPINION, CONCLUDE = "consult-open", "consult-opinion", "consult-conclude"


def _form(page: CasePage, prefix: str, make):
    if page.bound is not None and getattr(page.bound, "prefix", None) == prefix:
        return page.bound
    return keep_typed(make(), page.retried(prefix), skip=())


def consultation_panel(request: HttpRequest, now: datetime, page: CasePage) -> Panel | None:
    """The consultations of the case for staff who see it; nothing for anyone else, nor
    where there is none and the reader may not open one."""
    user, report = request.user, page.report
    if not rules.may_read(user):
        return None
    consultations = consultations_of(report=report) if page.flag("has_consultations") else []
    current = next((c for c in consultations if c.is_open), None)
    runs = rules.may_run(user, report)
    context: dict = {
        "report_id": report.pk,
        "consultations": consultations,
        "current": current,
        "now": now,
        "refresh": reverse("consultation-part", args=[report.pk]),
    }
    if current is None and runs and report.status in rules.OPENS_IN:
        context["open_form"] = _form(
            page, OPEN, lambda: OpenForm(report=report, now=now, prefix=OPEN)
        )
    if current is not None:
        invitee = invitee_of(current, user)
        if invitee is not None and not answered(current, invitee):
            context["opinion_form"] = _form(page, OPINION, lambda: OpinionForm(prefix=OPINION))
        if runs:
            context["conclude_form"] = _form(page, CONCLUDE, lambda: ConcludeForm(prefix=CONCLUDE))
    if not consultations and "open_form" not in context:
        return None
    return Panel("directives/consultations/_panel.html", context)


def register() -> None:
    case_panels.register_case_panel(consultation_panel, slot=case_panels.MAIN, order=15)
    case_panels.register_case_flag(
        "has_consultations",
        lambda: Exists(Consultation.objects.filter(report=OuterRef("pk"))),
    )
