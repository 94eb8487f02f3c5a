"""Duty's models, one module per helper's area (each imported here so Django finds them)."""

from duty.models.handovers import Handover  # noqa: F401
from duty.models.logs import LogEntry, LogKind  # noqa: F401
from duty.models.rosters import (  # noqa: F401
    Absence,
    DutyDay,
    DutyShift,
    Swap,
    SwapState,
)
