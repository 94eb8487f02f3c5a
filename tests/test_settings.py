"""Settings come from the environment; production refuses to run unsafely."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="grid.example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="grid.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/grid-settings-test.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/somedb", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_the_engine(url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = _manage("shell", "--no-imports", "-c", code, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == engine


def test_redis_url_switches_broker_cache_and_sessions_and_default_needs_no_server():
    code = (
        "from django.conf import settings; "
        "print(settings.CELERY_BROKER_URL, settings.CACHES['default']['BACKEND'], "
        "settings.SESSION_ENGINE)"
    )
    default = _manage("shell", "--no-imports", "-c", code, REDIS_URL="")
    assert default.stdout.split() == [
        "filesystem://",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",  # a per-process cache must not hold sessions
    ]
    redis = _manage("shell", "--no-imports", "-c", code, REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis.stdout.split() == [
        "redis://127.0.0.1:6379/0",
        "config.cache.FailOpenRedisCache",  # a miss, never a 500, while Redis is away
        # Not cached in Redis either: a sign-out while Redis is away must stay one.
        "django.contrib.sessions.backends.db",
    ]


@pytest.mark.django_db
def test_pages_speak_simplified_chinese_by_default_and_english_on_request(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default (tests otherwise use English)
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "网情网格" in html
    assert "登录" in html
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
    assert "Log in" in english
