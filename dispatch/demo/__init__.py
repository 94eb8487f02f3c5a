"""Demo and benchmark history of dispatch: every routed case of the report history gets its
routing and what its units did (:mod:`dispatch.demo.plan`), then the real reminder sweep takes
the reminders, urgings and supervision notices due by now, at their moments."""

from __future__ import annotations

import time

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.demo.orm import seed_dispatch_history
from dispatch.models import Assignment
from dispatch.services import clocks_sweep
from grid.demo.plan import PROVINCE

__all__ = ["seed_demo", "seed_dispatch_history"]


def seed_demo(*, scale: str, log=print) -> None:
    """``seed_demo`` hook (after reports'): the routings of the routed history, once (skipped
    if any routing exists); the province on PostgreSQL is written inside the server."""
    if Assignment.objects.exists():
        log(_("The dispatch history is already there: nothing to do."))
        return
    started = time.monotonic()
    now = timezone.now()
    if scale == PROVINCE and connection.vendor == "postgresql":
        from dispatch.demo.sql import seed_dispatch_history_postgres

        created = seed_dispatch_history_postgres(now=now, log=log)
    else:
        created = seed_dispatch_history(now=now)
    swept = clocks_sweep(now=now)
    log(
        _(
            "Created %(n)s routings with their units' work and %(steps)s reminders and "
            "urgings in %(seconds).1f s."
        )
        % {"n": f"{created:,}", "steps": f"{swept.taken:,}", "seconds": time.monotonic() - started}
    )
