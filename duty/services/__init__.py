"""Writes on duty: rosters, clock-ins, swaps, absences, the duty log and the handover.

Each service answers, in this order: 404 (``DoesNotExist``: not in the person's jurisdiction),
409 (:class:`duty.errors.DutyConflict`: the duty's moment or state does not allow it), 403
(``PermissionDenied``), 400 (``ValidationError``), and writes nothing when it refuses.
"""

from duty.services.logs import log_append, record_on_duty, running_duty_of  # noqa: F401
from duty.services.rosters import roster_generate, roster_set_day  # noqa: F401
from duty.services.shifts import (  # noqa: F401
    absence_declare,
    absence_end,
    shift_clock_in,
    swap_decide,
    swap_request,
    swap_withdraw,
)
