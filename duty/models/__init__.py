"""Duty's models, one module per part (each helper's models in its own module)."""

from duty.models.deductions import (  # noqa: F401 (the package's models, re-exported)
    COUNTING_STATUSES,
    GRADE_GROUPS,
    Deduction,
    DeductionAction,
    DeductionEvent,
    DeductionKind,
    DeductionRule,
    DeductionStatus,
    GradeGroup,
    Responsibility,
    TargetType,
    month_of,
)
from duty.models.filings import (  # noqa: F401
    DailyReport,
    DailyReportItem,
    RiskLevel,
    RiskPoint,
    RiskPointList,
    SubmissionNotice,
)
from duty.models.handovers import Handover  # noqa: F401
from duty.models.logs import LogEntry, LogKind  # noqa: F401
from duty.models.rosters import (  # noqa: F401
    Absence,
    DutyDay,
    DutyShift,
    Swap,
    SwapState,
)
from duty.models.submissions import (  # noqa: F401
    ExpectedSubmission,
    SubmissionPeriod,
    SubmissionStatus,
)
