"""The site stays up without Redis (issue 9): a Redis of the test's own, frozen and stopped.

Redis is a cache and a broker, never a store. Whether it is frozen (SIGSTOP: connections open,
nothing answers) or down (SIGTERM: connections refused), people sign in, file, read and act on
cases, every answer is a success within a bound, and once it is back nothing is missing.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import redis
from celery import Celery
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import ResponseError

from grid.models import UnitKind
from grid.tests.factories import DEMO_PASSWORD
from notifications import outbox
from reports.models import Report, Status

REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")

#: Longest any one request may take while Redis is frozen (a cache call gives up after 0.25 s).
FROZEN_BOUND_SECONDS = 1.5
#: How long a process leaves Redis alone after a failure, in these tests.
PAUSE_SECONDS = 0.5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server on a port of its own, without persistence, to freeze, stop and restart."""

    OPTIONS = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, the system's redis-server
            [REDIS_SERVER, "--port", str(self.port), *self.OPTIONS],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.02)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # works on a frozen process too
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The default cache (and so the session cache) on the test's Redis, as in production,
    except for a shorter pause after a failure (``REDIS_PAUSE_SECONDS``: 5 s)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "outage",
            "OPTIONS": {
                "socket_timeout": settings.REDIS_CACHE_TIMEOUT_SECONDS,
                "socket_connect_timeout": settings.REDIS_CACHE_TIMEOUT_SECONDS,
                "pause_seconds": PAUSE_SECONDS,
            },
        }
    }
    settings.REPORT_COUNT_CACHE_SECONDS = 300  # list counts kept in Redis, as with REDIS_URL
    return caches["default"]


# --- the site, as people use it ----------------------------------------------------------------


@dataclass
class Visits:
    """Every request made, with its answer and how long it took."""

    answers: list[tuple[str, str, int, float]] = field(default_factory=list)
    phase: str = "up"

    def __call__(self, label: str, send: Callable, *args, **kwargs):
        started = time.perf_counter()
        response = send(*args, **kwargs)
        seconds = time.perf_counter() - started
        self.answers.append((self.phase, label, response.status_code, seconds))
        return response

    def slowest(self, phase: str) -> float:
        return max(s for p, _, _, s in self.answers if p == phase)


def _sign_in_on_the_page(visit: Visits, user) -> Client:
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    visit("login form", browser.get, reverse("login"))
    response = visit(
        "sign in",
        browser.post,
        reverse("login"),
        {
            "username": user.username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("home")
    assert visit("home", browser.get, reverse("home")).status_code == 200
    return browser


def _sign_in_for_a_token(visit: Visits, user) -> Client:
    anonymous = Client()
    response = visit(
        "token",
        anonymous.post,
        reverse("api-token"),
        {"username": user.username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")


def _csrf(browser: Client) -> str:
    return browser.cookies["csrftoken"].value


def _one_round(visit: Visits, informant, admin, unit) -> list[int]:
    """Sign in, file twice (API and page), read the queue, the case and the list, act twice.

    Returns the ids of the two reports filed.
    """
    # Filing through the API with a token obtained by signing in.
    api = _sign_in_for_a_token(visit, informant)
    response = visit(
        "file (API)",
        api.post,
        reverse("reports_api:report-list"),
        {
            "title": f"网传某村道路塌陷 {visit.phase}",
            "body": "微信群内有人称村道塌陷，需要核实。",
            "category": "negative",
            "source_platform": "wechat_group",
            "source_urls": [f"https://example.com/{visit.phase}/{uuid.uuid4().hex}"],
            "discovered_at": timezone.now().isoformat(),
            "suggested_grade": "general",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    by_api = response.json()

    # Filing through the page form, signed in on the page.
    phone = _sign_in_on_the_page(visit, informant)
    visit("intake form", phone.get, reverse("report-new"))
    response = visit(
        "file (page)",
        phone.post,
        reverse("report-new"),
        {
            "title": f"网传某村自来水停供 {visit.phase}",
            "body": "村民微信群反映停水三天无人回应。",
            "category": "appeal",
            "source_platform": "wechat_group",
            "source_urls": f"https://example.com/{visit.phase}/{uuid.uuid4().hex}\n",
            "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "suggested_grade": "general",
            "region": informant.region_id,  # preselected on the form
            "idempotency_key": uuid.uuid4().hex,
            "csrfmiddlewaretoken": _csrf(phone),
        },
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    by_page = Report.objects.get(title=f"网传某村自来水停供 {visit.phase}")
    assert response["Location"] == reverse("report-detail", args=[by_page.pk])

    # The county admin reads the queue, the case and the API list, and acts on both cases.
    desk = _sign_in_on_the_page(visit, admin)
    queue = visit("queue", desk.get, reverse("report-queue"))
    assert queue.status_code == 200
    assert by_api["case_number"] in queue.content.decode()
    case = visit("case", desk.get, reverse("report-detail", args=[by_api["id"]]))
    assert case.status_code == 200
    assert by_api["case_number"] in case.content.decode()
    admin_api = _sign_in_for_a_token(visit, admin)
    listed = visit("list (API)", admin_api.get, reverse("reports_api:report-list"))
    assert listed.status_code == 200
    assert {by_api["id"], by_page.pk} <= {row["id"] for row in listed.json()["results"]}

    response = visit(
        "act (page)",
        desk.post,
        reverse("report-transition", args=[by_page.pk, "accept_local"]),
        {
            "accept_local-unit": unit.pk,
            "accept_local-expected_status": Status.SUBMITTED,
            "csrfmiddlewaretoken": _csrf(desk),
        },
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    assert response["Location"] == reverse("report-detail", args=[by_page.pk])
    response = visit(
        "act (API)",
        admin_api.post,
        reverse("reports_api:report-transition", args=[by_api["id"], "escalate"]),
        {"reason": "需市级协调"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return [by_api["id"], by_page.pk]


@pytest.mark.django_db(transaction=True)  # commit hooks run, against the stopped Redis too
def test_every_request_succeeds_while_redis_is_frozen_or_down(
    redis_server, redis_cache, city, caplog, monkeypatch
):
    from django.core.cache import cache

    from grid.throttling import SignInThrottle

    # Sign-in attempts are counted in this test's Redis, as in production (the root conftest
    # gives other tests a cache of their own for them).
    monkeypatch.setattr(SignInThrottle, "cache", cache)
    informant = city.informant(0)
    admin = city.county_admin(0)
    unit = next(
        u for u in city.units if u.kind == UnitKind.TOWNSHIP and u.region.is_within(admin.region)
    )
    visit = Visits()
    filed = _one_round(visit, informant, admin, unit)
    assert redis_server.client().dbsize() > 0  # the round went through Redis

    visit.phase = "frozen"
    redis_server.freeze()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        filed += _one_round(visit, informant, admin, unit)
    redis_server.thaw()
    assert "Cache unreachable" in caplog.text  # the requests did meet the frozen server

    visit.phase = "down"
    redis_server.stop()
    filed += _one_round(visit, informant, admin, unit)

    visit.phase = "back"
    redis_server.start()
    time.sleep(PAUSE_SECONDS)  # the pause ends
    filed += _one_round(visit, informant, admin, unit)
    assert redis_server.client().dbsize() > 0  # the cache is used again

    assert all(200 <= status < 400 for _, _, status, _ in visit.answers), visit.answers
    assert visit.slowest("frozen") < FROZEN_BOUND_SECONDS, visit.answers
    assert visit.slowest("down") < FROZEN_BOUND_SECONDS, visit.answers
    # Nothing lost: every report filed is there, in the state it was brought to.
    assert len(set(filed)) == 8
    states = dict(Report.objects.filter(pk__in=filed).values_list("pk", "status"))
    assert sorted(states.values()) == sorted([Status.ESCALATED, Status.LOCAL_HANDLING] * 4)


@pytest.mark.django_db
def test_a_session_signed_out_while_redis_is_frozen_stays_signed_out(
    redis_server, redis_cache, city
):
    # With sessions cached in Redis (cached_db), the sign-out's delete from the cache is lost
    # while Redis is frozen, and once it answers again the cookie signs its holder back in.
    visit = Visits()
    browser = _sign_in_on_the_page(visit, city.county_admin(0))
    cookie = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    redis_server.freeze()
    response = browser.post(reverse("logout"), {"csrfmiddlewaretoken": _csrf(browser)})
    assert response.status_code == 302
    redis_server.thaw()
    time.sleep(PAUSE_SECONDS)  # the pause ends: the cache is read again

    kept = Client()
    kept.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    response = kept.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the cache itself --------------------------------------------------------------------------


@pytest.fixture
def cache(settings, redis_server):
    """The fail-open cache on the test's Redis, pausing PAUSE_SECONDS after a failure."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"pause_seconds": PAUSE_SECONDS},
        }
    }
    return caches["default"]


def _every_call(cache) -> dict[str, object]:
    """What each cache call answers (a cache that cannot reach Redis answers as an empty one)."""
    answers = {
        "get": cache.get("a", "default"),
        "get_many": cache.get_many(["a", "b"]),
        "has_key": cache.has_key("a"),
        "add": cache.add("c", 1),
        "set": cache.set("a", 2),
        "set_many": cache.set_many({"a": 1, "b": 2}),
        "touch": cache.touch("a"),
        "delete": cache.delete("a"),
        "delete_many": cache.delete_many(["a", "b"]),
        "get_or_set": cache.get_or_set("d", 4),
    }
    for method in (cache.incr, cache.decr):
        try:
            answers[method.__name__] = method("n")
        except ValueError:
            answers[method.__name__] = "missing"
    return answers


EMPTY = {
    "get": "default",
    "get_many": {},
    "has_key": False,
    "add": False,
    "set": None,
    "set_many": ["a", "b"],
    "touch": False,
    "delete": False,
    "delete_many": None,
    "get_or_set": 4,
    "incr": "missing",
    "decr": "missing",
}


@pytest.mark.parametrize("outage", ["frozen", "down"])
def test_the_cache_answers_as_an_empty_one_fast_and_pauses_after_a_failure(
    cache, redis_server, outage, caplog
):
    cache.set("a", 1)
    cache.set("n", 10)
    assert cache.get("a") == 1
    assert cache.incr("n") == 11
    (redis_server.freeze if outage == "frozen" else redis_server.stop)()

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        started = time.perf_counter()
        first = cache.get("a", "default")
        met_redis = time.perf_counter() - started
        started = time.perf_counter()
        answers = _every_call(cache)
        paused = time.perf_counter() - started
    assert first == "default"
    assert answers == EMPTY
    assert met_redis < 0.5  # one timeout of 0.25 s when frozen, a refused connection when down
    assert paused < 0.05  # the pause: no call touches the network
    assert len([r for r in caplog.records if r.name == "config.cache"]) == 1

    if outage == "frozen":
        redis_server.thaw()
    else:
        redis_server.start()
    time.sleep(PAUSE_SECONDS)  # the pause ends
    cache.set("a", 3)
    assert cache.get("a") == 3


def test_errors_other_than_reaching_redis_still_raise(cache):
    cache.set("word", "not a number")
    with pytest.raises(ResponseError):
        cache.incr("word")  # a bug, not an outage


# --- publishing to the broker ------------------------------------------------------------------


@pytest.fixture
def broker(settings, redis_server, monkeypatch):
    """A Celery app configured like the project's, on the test's Redis, with one dummy task."""
    monkeypatch.setattr(outbox, "_paused_until", 0.0)
    settings.REDIS_PAUSE_SECONDS = PAUSE_SECONDS
    app = Celery("outage-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = redis_server.url

    @app.task(name="tests.outage.ping", shared=False)
    def ping(n):  # never run: the test reads the queue
        return n

    yield ping
    app.close()


def _queued(redis_server) -> int:
    return redis_server.client().llen("celery")


@pytest.mark.django_db
def test_a_task_is_published_once_the_transaction_commits_and_never_on_rollback(
    broker, redis_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.publish_on_commit(broker, 1)
        assert _queued(redis_server) == 0  # not before the commit
    assert _queued(redis_server) == 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.publish_on_commit(broker, 2)
    callbacks.clear()  # the transaction rolled back: its hooks never run
    assert _queued(redis_server) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("outage", ["frozen", "down"])
def test_publishing_to_a_broker_that_is_away_never_fails_or_stalls_the_request(
    broker, redis_server, django_capture_on_commit_callbacks, outage, caplog, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.publish_on_commit(broker, 0)  # connected before the outage
    assert _queued(redis_server) == 1
    (redis_server.freeze if outage == "frozen" else redis_server.stop)()

    def publish(n) -> float:
        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            outbox.publish_on_commit(broker, n)
        return time.perf_counter() - started

    with caplog.at_level(logging.WARNING, logger="notifications.outbox"):
        settings.REDIS_PAUSE_SECONDS = 0  # every publish meets the broker: one timeout each
        met_broker = [publish(1), publish(2)]
        settings.REDIS_PAUSE_SECONDS = PAUSE_SECONDS
        publish(3)
        paused = publish(4)
    # One timeout (BROKER_TIMEOUT_SECONDS) or a refused connection; never kombu's retries.
    assert max(met_broker) < FROZEN_BOUND_SECONDS, met_broker
    assert paused < 0.05  # after a failure, left to the sweep at once
    assert caplog.text.count("Broker unreachable") == 3

    if outage == "frozen":
        redis_server.thaw()
        # A publish that timed out was sent all the same and may still land once Redis
        # answers: delivery is at least once (the task must find its rows undelivered); the
        # one skipped in the pause never went out.
        assert 1 <= _queued(redis_server) <= 4
    else:
        redis_server.start()  # without persistence: an empty queue
        assert _queued(redis_server) == 0
    before = _queued(redis_server)
    time.sleep(PAUSE_SECONDS)  # the pause ends
    with django_capture_on_commit_callbacks(execute=True):
        outbox.publish_on_commit(broker, 3)
    assert _queued(redis_server) == before + 1
