"""Shared pytest fixtures."""

import pytest

from grid.tests.factories import City, make_city


@pytest.fixture
def city(db) -> City:
    """A small city of two counties (see grid.tests.factories.make_city)."""
    return make_city()


@pytest.fixture
def other_city(db) -> City:
    return make_city(prefix="3299")


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


@pytest.fixture
def session_queries(settings) -> int:
    """Queries a signed-in page spends reading its session: one, from the database, with or
    without Redis (``SESSION_ENGINE``); none if sessions were cached (``cached_db``)."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


@pytest.fixture
def person_queries() -> int:
    """Queries a request spends loading who is asking (by session or token): one, always. The
    person is read with their home node in one query on every request (grid.auth)."""
    return 1


@pytest.fixture
def count_queries(settings) -> int:
    """Queries a case list spends on its count when the same list was counted before and no
    case changed since: none where the shared cache keeps counts (``REPORT_COUNT_CACHE_
    SECONDS``, on with Redis), one where every list is counted."""
    return 0 if settings.REPORT_COUNT_CACHE_SECONDS > 0 else 1
