"""Writes on deductions: from detectors' score events (set-based), by hand, appeals, decisions.

- :func:`deductions_from_events` is the hook detectors reach through
  :func:`grid.hooks.score_events` (registered in ``DutyConfig.ready()``): one ``INSERT …
  SELECT … ON CONFLICT DO NOTHING`` per 5,000 events of a kind (SQLite: 1,000) and one more
  telling their parties, whatever their number, so a sweep telling 15,000 misses — or telling
  them again — costs a handful of statements, and each event counts once.
- :func:`deduction_record` is a duty officer's manual deduction or bonus, with reason and
  evidence.
- :func:`deduction_appeal` and :func:`deduction_appeal_decide` lock the row, answer in the
  product's order (404 outside the jurisdiction, 409 wrong state, 403 not yours, 400 bad
  payload), change it, append a :class:`~duty.models.DeductionEvent` and tell people in the
  same transaction.
"""

from duty.deductions.services.appeals import (  # noqa: F401 (the package's services)
    DECISIONS,
    appeal_check,
    decide_check,
    deduction_appeal,
    deduction_appeal_decide,
)
from duty.deductions.services.common import (  # noqa: F401
    BATCH,
    MAX_NOTE,
    MAX_REASON,
    NoSuchDeduction,
    active_rules,
    rule_for,
)
from duty.deductions.services.events import (  # noqa: F401
    SUPERSEDES,
    deductions_from_events,
)
from duty.deductions.services.manual import (  # noqa: F401
    Evidence,
    check_evidence,
    deduction_record,
)
from duty.deductions.services.regions import deductions_follow_region_move  # noqa: F401
