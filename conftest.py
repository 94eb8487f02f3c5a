"""Shared pytest fixtures."""

import os
import re

import pytest

from grid.tests.factories import City, make_city


def _own_redis_database_per_worker() -> None:
    """Parallel workers (pytest-xdist) each test against a database of their own (pytest-django
    names it per worker); each gets a Redis database of its own too, so one worker's cached
    counts never meet another's rows. pytest-django has read the settings before this file,
    but the cache connects on first use, after this."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return

    def moved(url: str) -> str:
        match = re.fullmatch(r"(rediss?://[^/]+)(?:/(\d+))?", url)
        if match is None:
            return url
        return f"{match.group(1)}/{(int(match.group(2) or 0) + int(worker[2:])) % 16}"

    cache = settings.CACHES["default"]
    if str(cache.get("LOCATION", "")).startswith("redis"):
        cache["LOCATION"] = moved(cache["LOCATION"])
    if settings.REDIS_URL:
        settings.REDIS_URL = moved(settings.REDIS_URL)


_own_redis_database_per_worker()


@pytest.fixture
def city(db) -> City:
    """A small city of two counties (see grid.tests.factories.make_city)."""
    return make_city()


@pytest.fixture
def other_city(db) -> City:
    return make_city(prefix="3299")


@pytest.fixture
def scored(monkeypatch) -> list:
    """The score events told during the test (grid.hooks.score_events), in order, in place of
    whoever keeps the deductions."""
    from grid import hooks

    monkeypatch.setattr(hooks, "_score_events", [])
    events: list = []
    hooks.register_score_events(events.extend)
    return events


@pytest.fixture(autouse=True)
def _english_unless_browser(request, settings):
    """Unit and API tests read English messages; browser tests see the product as users do.

    The product's default is Simplified Chinese (tests/test_settings.py proves pages come out
    in Chinese); here the fallback language is English so assertions read as the source does.
    """
    if request.node.get_closest_marker("browser") is None:
        settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing with PBKDF2's production cost would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_sign_in_attempts_counted(monkeypatch):
    """Every test starts with no sign-in attempts counted against its address.

    The sign-in throttle (grid.throttling) counts in the default cache, which outlives a test
    (and, with Redis, a run); each test gets a cache of its own for those counts instead.
    """
    from django.core.cache.backends.locmem import LocMemCache

    from grid.throttling import SignInThrottle

    counts = LocMemCache("sign-in-attempts", {})
    counts.clear()
    monkeypatch.setattr(SignInThrottle, "cache", counts)


@pytest.fixture
def shared_cache(settings):
    """A fresh cache shared by the test's one process, as Redis is shared by every process."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    yield cache
    cache.clear()


_db_blocker = []  # pytest-django's blocker, kept for the hook below


@pytest.fixture(autouse=True, scope="session")
def _keep_db_blocker(django_db_blocker):
    _db_blocker.append(django_db_blocker)


def _flushes(item) -> bool:
    """Whether the test runs on a real transaction, whose end empties every table."""
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test on a real transaction leaves the database as the migrations made it.

    Such tests (``transaction=True``, the live server of the browser tests) empty every table
    when they end, the rows of data migrations too: the working calendar and the deadline
    rules, which filing a report needs, the deduction rules, the beat schedules. They are
    seeded again (grid.tests.seeding) once every fixture of the test is torn down, so the next
    test on this worker, in whatever order, finds them. (Not after the last test: its
    teardown also destroys the test database.)
    """
    result = yield
    if nextitem is not None and _db_blocker and _flushes(item):
        from grid.tests.seeding import seed_data_migrations

        with _db_blocker[0].unblock():
            seed_data_migrations()
    return result


@pytest.fixture(autouse=True, scope="session")
def _broker_in_memory():
    """Tasks published by tests (a drain after each notification) go to an in-memory broker:
    never the filesystem queue under var/ that ``make run``'s worker reads, nor a developer's
    Redis. Tests run tasks by calling them (no eager mode)."""
    from config.celery import app

    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}
