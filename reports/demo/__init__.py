"""Demo and benchmark history: 60 days of reports across every state, consistent by construction.

Each generated case carries exactly the events its workflow would have produced (submit, then
accept_local/escalate/route/close/…), with actors allowed to take those steps, timestamps in
order, case numbers per day, and the day counters advanced so live intake continues the
numbering. Two writers share the plan: a Python one (any database; the demo city) and a SQL one
(PostgreSQL; millions of rows for the province benchmark, generated inside the server).
"""

from __future__ import annotations

import time

from django.db import connection
from django.utils.translation import gettext as _

from grid.demo.plan import PROVINCE
from reports.demo.orm import history_summary, seed_report_history
from reports.demo.sql import seed_report_history_postgres
from reports.models import Report
from reports.services import disposal_sweep

__all__ = ["history_summary", "seed_demo", "seed_report_history", "seed_report_history_postgres"]

PROVINCE_REPORTS = 5_000_000


def seed_demo(*, scale: str, log=print) -> None:
    """``seed_demo`` hook: 60 days of report history (idempotent: skipped if reports exist).

    The city gets about 1,500 cases written through the ORM; ``--scale province`` on PostgreSQL
    gets five million generated inside the server (elsewhere it falls back to the city's size).
    Then the disposal sweep finds the 24-hour clocks the history let run out, as beat would.
    """
    if Report.objects.exists():
        log(_("The report history is already there: nothing to do."))
        return
    started = time.monotonic()
    if scale == PROVINCE and connection.vendor == "postgresql":
        created = seed_report_history_postgres(total=PROVINCE_REPORTS, log=log)
    else:
        created = seed_report_history()
    overdue = disposal_sweep().overdue
    log(
        _(
            "Created %(n)s reports of history (%(overdue)s with the disposal status overdue) "
            "in %(seconds).1f s."
        )
        % {"n": f"{created:,}", "overdue": f"{overdue:,}", "seconds": time.monotonic() - started}
    )
