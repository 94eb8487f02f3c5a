"""``seed_demo`` hook of duty (``manage.py seed_demo`` calls it after the grid and reports)."""

from __future__ import annotations

from duty.demo_deductions import seed_deductions_demo


def seed_demo(*, scale: str, log=print) -> None:
    """Duty's demo data: its parts one after the other."""
    seed_deductions_demo(scale=scale, log=log)
