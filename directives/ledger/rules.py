"""Who may read the ledger, put a case on it, follow a matter up and take it off: said once."""

from __future__ import annotations

from grid.models import Role, User
from grid.scoping import jurisdiction_of

# The ledger is the city's and the counties' list of key matters.
READERS = {Role.DUTY_OFFICER, Role.LEADER, Role.COUNTY_ADMIN, Role.SYS_ADMIN}
# A case goes on it by a duty officer's or a leader's decision.
OPENERS = {Role.DUTY_OFFICER, Role.LEADER}
# Those who follow a matter up (record what was found, set the next date).
FOLLOWERS = {Role.DUTY_OFFICER, Role.LEADER, Role.COUNTY_ADMIN}
# Only a leader settles a matter: takes it off with a closing assessment.
CLOSERS = {Role.LEADER}


def _covers(user: User, path: str) -> bool:
    return jurisdiction_of(user).covers(path)


def may_read(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in READERS)


def may_put_on(user: User, report) -> bool:
    return user.is_active and user.role in OPENERS and _covers(user, report.region_path)


def may_follow_up(user: User, entry) -> bool:
    return user.is_active and user.role in FOLLOWERS and _covers(user, entry.region_path)


def may_take_off(user: User, entry) -> bool:
    return user.is_active and user.role in CLOSERS and _covers(user, entry.region_path)
