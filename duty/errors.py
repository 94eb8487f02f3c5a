"""Duty's refusals (registered with grid.errors in ``DutyConfig.ready()``): 409 for a duty
whose moment does not allow the step (not started, over, already done)."""

from __future__ import annotations


class DutyConflict(Exception):
    """The duty's state or time does not allow this now (409); the message says why."""
