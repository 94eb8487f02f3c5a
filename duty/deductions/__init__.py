"""Deductions and bonuses (扣分·加分): services, selectors, filters, pages and API.

The models live in :mod:`duty.models.deductions`; :func:`wiring.register` (called from
``DutyConfig.ready()``) connects them to the grid's score-event and region-move hooks, the
notification kinds, the refusals and the main menu.
"""
