"""``manage.py seed_demo``: the demo city (Yangzhou), or ten times it for benchmarks.

Idempotent: rows are matched by code (username for people) and only missing ones are created,
so a second run writes nothing. After the grid and its people, every other app's ``demo``
module that defines ``seed_demo(*, scale, log)`` is called in ``INSTALLED_APPS`` order (the
grid offers the hook, so it imports no app above it); ``--grid-only`` skips them.
"""

from __future__ import annotations

import argparse
import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from grid.demo.load import demo_load
from grid.demo.plan import CITY, DEMO_PASSWORD, PROVINCE, SCALES, city_plan, province_plan
from grid.models import Role


def demo_hooks() -> list:
    """Every other app's ``demo.seed_demo`` callable, in ``INSTALLED_APPS`` order."""
    hooks = []
    for config in apps.get_app_configs():
        if config.name == "grid" or not module_has_submodule(config.module, "demo"):
            continue
        hook = getattr(import_module(f"{config.name}.demo"), "seed_demo", None)
        if callable(hook):
            hooks.append(hook)
    return hooks


class Command(BaseCommand):
    help = "Load the demo city (Yangzhou) with demo logins, or --scale province for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default=CITY,
            help="city: Yangzhou (~1,000 villages); province: 10 cities (~15,000 villages).",
        )
        parser.add_argument(
            "--grid-only",
            action="store_true",
            help="Only the grid and its people: skip the other apps' demo data.",
        )
        # A smaller province, for tests.
        parser.add_argument("--cities", type=int, default=10, help=argparse.SUPPRESS)
        parser.add_argument(
            "--townships-per-county", type=int, default=None, help=argparse.SUPPRESS
        )

    def handle(self, *args, scale, grid_only, cities, townships_per_county, **options):
        started = time.monotonic()
        if scale == PROVINCE:
            plan = province_plan(cities=cities, townships_per_county=townships_per_county)
        else:
            plan = city_plan()

        def log(message: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {message}")

        result = demo_load(plan=plan, log=log)
        if result.changed:
            self.stdout.write(
                _(
                    "Created %(regions)d regions, %(points)d grid points, %(units)d units "
                    "and %(people)d people."
                )
                % {
                    "regions": result.regions,
                    "points": result.grid_points,
                    "units": result.units,
                    "people": result.people,
                }
            )
            if result.heads:
                self.stdout.write(
                    _("Set the person in charge of %(n)d grid points.") % {"n": result.heads}
                )
            if result.passwords:
                self.stdout.write(
                    _("Reset the password of %(n)d demo logins.") % {"n": result.passwords}
                )
        else:
            self.stdout.write(_("The demo grid is already there: nothing to do."))
        if not grid_only:
            for hook in demo_hooks():
                hook(scale=scale, log=self.stdout.write)
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        self.print_logins(plan)

    def print_logins(self, plan) -> None:
        regions = {spec.code: spec for spec in plan.regions}
        units = {spec.code: spec.name for spec in plan.units}
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo logins (password %(password)s):") % {"password": DEMO_PASSWORD}
            )
        )
        for person in plan.demo_logins:
            if person.unit_code:
                where = units[person.unit_code]
            else:
                # Below the city, the whole way down: 邗江区 瓜洲镇 小营村.
                codes = regions[person.region_code].path.rstrip("/").split("/")
                where = " ".join(regions[code].name for code in codes[1:] or codes)
            self.stdout.write(f"  {person.username:<22} {Role(person.role).label:<18} {where}")
