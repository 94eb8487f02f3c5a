"""duty's ``seed_demo`` hook (``manage.py seed_demo`` calls ``seed_demo(scale=…, log=…)``):
every part of duty adds its demo data here, one line each."""

from __future__ import annotations


def seed_demo(*, scale: str, log=print) -> None:
    from duty import demo_rosters

    demo_rosters.seed_demo(scale=scale, log=log)
