"""Django admin of the grid app; each module registers its own ModelAdmins."""

from grid.admin import calendar, grid  # noqa: F401
