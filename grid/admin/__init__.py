"""Django admin of the grid app; each module registers its own ModelAdmins."""

from grid.admin import grid  # noqa: F401
