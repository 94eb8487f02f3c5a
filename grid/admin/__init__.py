"""Django admin of the grid app; each module registers its own ModelAdmins.

``ScopedAdmin`` and ``is_grid_admin`` are what other apps' admins build on (notifications).
"""

from grid.admin import calendar, grid  # noqa: F401
from grid.admin.grid import ScopedAdmin, is_grid_admin

__all__ = ["ScopedAdmin", "is_grid_admin"]
