"""What the writes on deductions share: the batch size, the text limits, the refusal of a
deduction one may not see, and the choice of a kind's rule."""

from __future__ import annotations

from duty.models import (
    GRADE_GROUPS,
    Deduction,
    DeductionRule,
    GradeGroup,
)

# Rows per INSERT statement (SQLite takes at most 32,766 parameters: 30 columns × 1,000).
BATCH = 1000
MAX_REASON = 2000
MAX_NOTE = 2000


class NoSuchDeduction(Deduction.DoesNotExist):
    """Not a deduction the person may see (another city's looks the same)."""


# --- choosing the rule ------------------------------------------------------------------------


RuleKey = tuple[str, str, str]  # kind, grade group, responsibility


def active_rules() -> dict[RuleKey, DeductionRule]:
    """The active rules by kind, grade group and responsibility (one query)."""
    return {
        (rule.kind, rule.grade_group, rule.responsibility): rule
        for rule in DeductionRule.objects.filter(active=True)
    }


def rule_for(
    rules: dict[RuleKey, DeductionRule], *, kind: str, grade: str, responsibility: str
) -> DeductionRule | None:
    """The rule that scores an event: the one of its grade's group if the kind has such rules,
    else the kind's rule for any grade; None when no active rule scores it."""
    group = GRADE_GROUPS.get(grade or "", GradeGroup.GENERAL)
    return rules.get((kind, group, responsibility)) or rules.get(
        (kind, GradeGroup.ANY, responsibility)
    )
