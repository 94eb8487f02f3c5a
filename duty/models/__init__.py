"""Duty's models, one module per part (each helper's models in its own module)."""

from duty.models.handovers import Handover  # noqa: F401
from duty.models.logs import LogEntry, LogKind  # noqa: F401
from duty.models.rosters import (  # noqa: F401
    Absence,
    DutyDay,
    DutyShift,
    Swap,
    SwapState,
)
from duty.models.submissions import (  # noqa: F401 (the package's models, re-exported)
    ExpectedSubmission,
    SubmissionPeriod,
    SubmissionStatus,
)
