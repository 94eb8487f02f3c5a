"""The rows data migrations seed, seeded again after a flush.

Tests on a real transaction (``transaction=True``, the browser tests' live server) and module
fixtures that load the demo empty every table when they end, the rows of data migrations too:
the working calendar and deadline rules, the deduction rules, every beat schedule. Whatever
runs after them must find those rows as a freshly migrated database has them.

By convention the forward function of a data migration that seeds is called ``seed`` (rows)
or ``schedule`` (beat schedules), and is idempotent; every such function of every installed
app's migrations is run, so a new data migration needs no entry anywhere.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

SEEDING = ("seed", "schedule")


@cache
def _seeding_functions() -> tuple:
    loader = MigrationLoader(connection, ignore_no_migrations=True, load=False)
    loader.load_disk()
    found = []
    for key in sorted(loader.disk_migrations):
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunPython) and operation.code.__name__ in SEEDING:
                found.append(operation.code)
    return tuple(found)


def seed_data_migrations() -> None:
    """Run every data migration's seeding function again (each one idempotent)."""
    for seed in _seeding_functions():
        seed(apps, None)
