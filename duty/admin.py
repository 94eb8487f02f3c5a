"""Django admin of duty; each part registers its own ModelAdmins."""

from duty.deductions import admin as deductions  # noqa: F401
from duty.rosters import admin as rosters  # noqa: F401
