"""Who may see scorecards, and who may recompute and publish a month."""

from __future__ import annotations

from grid.models import Level, Role

# Who sees the assessment of their jurisdiction (rows scoped to it like everything else).
VIEWERS = {Role.LEADER, Role.SYS_ADMIN, Role.DUTY_OFFICER, Role.COUNTY_ADMIN}


def may_view(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.role in VIEWERS and user.region_id is not None)


def may_recompute(user) -> bool:
    """City admins (system admins of a city) recompute and publish closed months."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        user.role == Role.SYS_ADMIN and user.region is not None and user.region.level == Level.CITY
    )


def is_leader(user) -> bool:
    """City and county leaders: the dashboard is theirs."""
    return user.is_authenticated and user.role == Role.LEADER and user.region_id is not None
