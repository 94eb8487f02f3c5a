"""The key-matter part of the case page (reports.case_panels, MAIN slot): the matters the case
belongs to, and putting it on the ledger; and the menu link to the ledger (grid.panels)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from directives.ledger import rules
from directives.ledger.models import LedgerLink
from directives.ledger.selectors import ledger_entries_of_case
from directives.ledger.services import PutOnForm
from grid.panels import Panel, register_nav
from reports import case_panels
from reports.case_panels import CasePage, keep_typed

PUT_ON = "ledger-put-on"


def ledger_case_panel(request: HttpRequest, now: datetime, page: CasePage) -> Panel | None:
    """The case's key matters for those who read the ledger (one query), with the form to put
    it on for duty officers and leaders while it is not on."""
    user, report = request.user, page.report
    if not rules.may_read(user):
        return None
    entries = ledger_entries_of_case(report=report) if page.flag("has_ledger_entries") else []
    context: dict = {"report_id": report.pk, "entries": entries}
    if rules.may_put_on(user, report) and not any(e.is_open for e in entries):
        if page.bound is not None and getattr(page.bound, "prefix", None) == PUT_ON:
            context["form"] = page.bound
        else:
            context["form"] = keep_typed(PutOnForm(prefix=PUT_ON), page.retried(PUT_ON), skip=())
    if not entries and "form" not in context:
        return None
    return Panel("directives/ledger/_case.html", context)


def nav_panel(request: HttpRequest, now: datetime) -> Panel | None:
    """ "Key matters" in the menu of those who read the ledger (no query)."""
    user = request.user
    if not user.is_authenticated or not rules.may_read(user):
        return None
    match = request.resolver_match
    here = bool(match and match.url_name and match.url_name.startswith("ledger"))
    return Panel("directives/ledger/_nav.html", {"here": here})


def register() -> None:
    case_panels.register_case_panel(ledger_case_panel, slot=case_panels.MAIN, order=90)
    case_panels.register_case_flag(
        "has_ledger_entries",
        lambda: Exists(LedgerLink.objects.filter(report=OuterRef("pk"))),
    )
    register_nav(nav_panel, order=65)
