"""Who may do what with deductions: one function each (pages, API and services ask here).

- Record one by hand: city duty officers and city system admins (and superusers).
- Appeal: the penalised party, once: the grid point's head (its ``head`` or a grid head of the
  point), the admin of the county the township or county lies in, a liaison of the unit.
- Decide an appeal: a city system admin (or a superuser), never on their own appeal.

Seeing a deduction is :func:`duty.deductions.selectors.deductions_visible_to` (the one scoping
rule, narrowed to their own unit for unit liaisons).
"""

from __future__ import annotations

from grid.models import Level, Role
from grid.scoping import jurisdiction_of


def _city_role(user, roles: set[str]) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in roles and user.region_id is not None and user.region.level == Level.CITY


def may_record(user) -> bool:
    """City duty officers and system admins record deductions and bonuses by hand."""
    return _city_role(user, {Role.DUTY_OFFICER, Role.SYS_ADMIN})


def may_decide(user, deduction) -> bool:
    """City system admins decide appeals inside their city, not their own."""
    if not _city_role(user, {Role.SYS_ADMIN}):
        return False
    if deduction.appealed_by_id is not None and deduction.appealed_by_id == user.pk:
        return False
    return jurisdiction_of(user).covers(deduction.target_path)


def may_appeal(user, deduction) -> bool:
    """The penalised party: see the module's docstring."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if deduction.grid_point_id is not None:
        if user.role == Role.GRID_HEAD and user.grid_point_id == deduction.grid_point_id:
            return True
        head_id = deduction.grid_point.head_id if deduction.grid_point_id else None
        return head_id is not None and head_id == user.pk
    if deduction.unit_id is not None:
        return user.role == Role.UNIT_LIAISON and user.unit_id == deduction.unit_id
    # A township or county: the admin of its county.
    return user.role == Role.COUNTY_ADMIN and jurisdiction_of(user).covers(deduction.target_path)
