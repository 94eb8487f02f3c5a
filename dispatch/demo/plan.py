"""What the generated dispatch history is made of: each routed case's story, by a scenario.

The report history (``reports.demo``) routes and closes cases with bare events; here every
routed case gets the routing its ``route`` event made (units, deadlines from the rules, clocks)
and, by a scenario drawn from its id, what its units did since: claimed or not, replied and
reviewed (sent back once, approved), an extension approved, a completion date promised. Both
writers follow this module: the Python one row by row, the SQL one with the same fractions and
the same deadline table. Reminders, urgings and supervision notices are not written here: the
real sweep takes them afterwards, at the moments they fell due (``dispatch.services.clocks_sweep``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Scenarios of a case still routed, by the share of cases (percent, cumulative).
TO_CLAIM = "to_claim"  # nobody claimed yet
CLAIMED = "claimed"  # claimed, no reply yet
PENDING = "pending"  # replied, the reply awaits review
SENT_BACK = "sent_back"  # replied, sent back with comments: to revise
EXTENDED = "extended"  # claimed, more time asked for and approved
PROMISED = "promised"  # reply approved, a completion date promised (承诺时限), not done yet
APPROVED = "approved"  # reply sent back once, revised and approved: ready to close
OPEN_SCENARIOS = (
    (14, TO_CLAIM),
    (28, CLAIMED),
    (44, PENDING),
    (58, SENT_BACK),
    (72, EXTENDED),
    (84, PROMISED),
    (100, APPROVED),
)
# A closed case was claimed, replied, (one in four sent back once and revised) and approved.
CLOSED = "closed"

# When each step happened, as a share of the time the case had: from the routing to its close,
# or for an open case to now (at most a working day's worth, so most acted early).
AT = {
    "claim": 0.10,
    "co_claim": 0.15,
    "contribute": 0.20,
    "request_extension": 0.30,
    "reply": 0.40,
    "decide_extension": 0.50,
    "send_back": 0.55,
    "revise": 0.70,
    "approve": 0.85,
    "promise": 0.90,
}
OPEN_SPAN = timedelta(hours=20)
# A case the history closed within minutes of routing it (its steps squeezed against the end
# of the history) has no room for a unit's work: it is left without a routing's story.
MIN_CLOSED_SPAN = timedelta(minutes=10)
EXTENSION_DAYS = 2
PROMISE_DAYS = 3  # the completion promised by the end of this many days after the routing

TEXTS = {
    "instruction": "请牵头单位会同协办单位核实处置，按时回复。",
    "claim": "已签收，安排专人核实。",
    "contribute": "协办单位已配合现场核实，情况属实，意见已转牵头单位。",
    "disposal": "已组织现场核实，责任单位已整改，后续持续跟踪。",
    "citizen_text": "您反映的问题已核实处理，感谢您的监督与支持。",
    "citizen_text_revised": "经核实，您反映的问题已于近日整改完毕，具体情况已电话告知，感谢监督。",
    "send_back": "答复过于简单，请补充整改措施和完成时间。",
    "approve": "同意发布。",
    "extension": "涉及多个部门协调，需延期答复。",
    "extension_ok": "同意延期。",
    "promise": "已制定整改方案，承诺按期完成。",
    "published_where": "原帖评论区",
}
PUBLISHED_VIA = "on_platform"


def scenario_of(report_id: int, *, closed: bool) -> str:
    """The story of a routed case, drawn from its id (the SQL writer computes the same)."""
    if closed:
        return CLOSED
    share = mix(report_id) % 100
    return next(name for limit, name in OPEN_SCENARIOS if share < limit)


def mix(report_id: int) -> int:
    """A well-spread number from a case id (Knuth's multiplicative hash, 32 bits)."""
    return (report_id * 2654435761) % 4294967296


def has_co_unit(report_id: int) -> bool:
    return mix(report_id) % 3 == 0


def sent_back_once(report_id: int, scenario: str) -> bool:
    """Whether the reply of an approved case was sent back once before."""
    return scenario == APPROVED or (scenario == CLOSED and mix(report_id) % 4 == 0)


def moments(routed_at: datetime, bound: datetime, *, closed: bool) -> dict[str, datetime]:
    """When each step happened: shares of the time from the routing to ``bound`` (the close,
    or now)."""
    span = bound - routed_at
    if not closed:
        span = min(span, OPEN_SPAN)
    return {name: routed_at + span * share for name, share in AT.items()}
