"""Writes on reports: the only way a report is created, changes state or is corrected.

Views, API views, admin actions and Celery tasks all call these; each owns its side effects
(events, notifications) in the same transaction.
"""

from reports.services.amendments import report_amend_category
from reports.services.disposal import DisposalSweepResult, disposal_sweep
from reports.services.intake import IdempotencyKeyReused, next_case_number, report_submit
from reports.services.transitions import PayloadInvalid, UnknownTransition, report_transition

__all__ = [
    "DisposalSweepResult",
    "IdempotencyKeyReused",
    "PayloadInvalid",
    "UnknownTransition",
    "disposal_sweep",
    "next_case_number",
    "report_amend_category",
    "report_submit",
    "report_transition",
]
