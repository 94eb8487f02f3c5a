"""Many people acting at once: one wins, the others are told; nothing is counted twice.

Real parallel transactions with row locks, so PostgreSQL only: SQLite lets one writer in at a
time and has no ``SELECT … FOR UPDATE``, so these races cannot happen there.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework.test import APIClient

from grid.models import UnitKind, User
from grid.tests.factories import api_token_for
from reports import services
from reports.models import Report, ReportEvent, Status
from reports.tests.factories import submit

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers and has no row locks",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20
REFUSED = (TransitionNotAllowed, ConcurrentTransition)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_together(calls: list[Callable[[], object]]) -> tuple[list, list[BaseException]]:
    """Run each call in its own thread, all released at once; return (results, exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = []
    errors: list[BaseException] = []

    def worker(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as exc:  # collected and asserted on in the main thread
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert len(results) + len(errors) == len(calls)
    return results, errors


def as_user(pk: int) -> User:
    """The person as a fresh request would load them (each thread its own object)."""
    return User.objects.select_related("region").get(pk=pk)


def _events(report: Report) -> list[str]:
    return list(
        ReportEvent.objects.filter(report=report)
        .order_by("id")
        .values_list("transition", flat=True)
    )


def test_twenty_escalations_of_one_case_one_wins(city):
    admin = city.county_admin(0)
    report = submit(city.informant(0))

    def escalate():
        return services.report_transition(
            report_id=report.pk, by=as_user(admin.pk), name="escalate", data={"reason": "跨县"}
        )

    results, errors = run_together([escalate] * THREADS)

    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, REFUSED) for e in errors), errors
    report.refresh_from_db()
    assert report.status == Status.ESCALATED
    assert _events(report) == ["submit", "escalate"]


def _township_unit(city):
    county = city.counties[0]
    return next(u for u in city.units if u.kind == UnitKind.TOWNSHIP and u.region.is_within(county))


def test_twenty_mixed_triage_decisions_through_the_api_one_wins(city):
    # Ten admins' clients assign the case locally, ten escalate it, all having seen it
    # submitted: the first decision wins, every other one is told the case moved on.
    admin = city.county_admin(0)
    token = api_token_for(admin)
    unit = _township_unit(city)
    report = submit(city.informant(0))
    base = f"/api/v1/reports/{report.pk}/transitions"

    def post(name: str, payload: dict) -> Callable[[], tuple[int, dict]]:
        def call() -> tuple[int, dict]:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            body = {**payload, "expected_status": "submitted"}
            response = client.post(f"{base}/{name}/", body, format="json")
            return response.status_code, response.json()

        return call

    calls = [post("accept_local", {"unit": unit.pk}), post("escalate", {"reason": "跨县"})]
    results, errors = run_together(calls * (THREADS // 2))

    assert errors == []
    statuses = sorted(code for code, _body in results)
    assert statuses == [200] + [409] * (THREADS - 1)
    codes = {body["code"] for code, body in results if code == 409}
    assert codes <= {"concurrent_transition", "transition_not_allowed"}
    (winner,) = [body for code, body in results if code == 200]
    report.refresh_from_db()
    assert report.status == winner["status"]
    assert len(_events(report)) == 2


def test_two_admins_in_two_browsers_one_wins(city):
    # Two admins of the county open the same submitted case; one assigns it locally, the
    # other escalates it (which local handling would also allow). The page's forms carry the
    # status each saw, checked under the case's lock: one wins, the other is told.
    from django.test import Client

    admin, colleague = city.county_admin(0), city.county_admin(0)
    unit = _township_unit(city)
    report = submit(city.informant(0))
    base = f"/reports/{report.pk}/transitions"

    def browser(user: User, name: str, fields: dict) -> Callable[[], tuple[int, str]]:
        client = Client()
        client.force_login(user)
        page = client.get(f"/reports/{report.pk}/").content.decode()
        assert f'name="{name}-expected_status" value="submitted"' in page

        def call() -> tuple[int, str]:
            body = {f"{name}-{k}": v for k, v in fields.items()}
            body[f"{name}-expected_status"] = "submitted"
            response = client.post(f"{base}/{name}/", body)
            return response.status_code, response.content.decode()

        return call

    calls = [
        browser(admin, "accept_local", {"unit": unit.pk}),
        browser(colleague, "escalate", {"reason": "跨县"}),
    ]
    results, errors = run_together(calls * (THREADS // 2))

    assert errors == []
    assert sorted(code for code, _html in results) == [302] + [409] * (THREADS - 1)
    assert all("changed by someone else meanwhile" in html for code, html in results if code == 409)
    assert len(_events(report)) == 2


def test_twenty_mixed_triage_services_never_apply_a_step_twice(city):
    # Without a precondition the workflow itself allows accept_local and then escalate
    # (from local handling), so one or two calls succeed, in that order; never more.
    admin = city.county_admin(0)
    unit = _township_unit(city)
    report = submit(city.informant(0))

    def accept_local():
        return services.report_transition(
            report_id=report.pk, by=as_user(admin.pk), name="accept_local", data={"unit": unit.pk}
        )

    def escalate():
        return services.report_transition(
            report_id=report.pk, by=as_user(admin.pk), name="escalate", data={"reason": "跨县"}
        )

    results, errors = run_together([accept_local, escalate] * (THREADS // 2))

    assert all(isinstance(e, REFUSED) for e in errors), errors
    assert len(results) + len(errors) == THREADS
    # Insertion order is the order the steps happened in: ``at`` is taken before the lock.
    events = list(ReportEvent.objects.filter(report=report).order_by("id"))
    assert [e.transition for e in events] in (
        ["submit", "escalate"],
        ["submit", "accept_local", "escalate"],
    )
    assert len(results) == len(events) - 1
    for before, after in itertools.pairwise(events):
        assert after.source == before.target  # an unbroken chain: no step on a stale state
    report.refresh_from_db()
    assert report.status == Status.ESCALATED


def test_twenty_informants_filing_at_once_get_twenty_case_numbers(city):
    informants = [city.informant(i % len(city.grid_points)) for i in range(THREADS)]

    def filer(pk: int) -> Callable[[], tuple[Report, bool]]:
        return lambda: services.report_submit(
            reporter=as_user(pk),
            title=f"同时上报 {pk}",
            body="多人同时上报。",
            category="negative",
            source_platform="weibo",
        )

    results, errors = run_together([filer(i.pk) for i in informants])

    assert errors == []
    assert all(created for _report, created in results)
    numbers = {report.case_number for report, _created in results}
    assert len(numbers) == THREADS
    assert set(Report.objects.values_list("case_number", flat=True)) == numbers


def test_twenty_retries_with_one_key_file_one_report(city):
    informant = city.informant(0)

    def retry():
        return services.report_submit(
            reporter=as_user(informant.pk),
            title="弱网重试",
            body="同一个幂等键。",
            category="other",
            source_platform="other",
            idempotency_key="retry-1",
        )

    results, errors = run_together([retry] * THREADS)

    assert errors == []
    assert len({report.pk for report, _created in results}) == 1
    assert sum(created for _report, created in results) == 1
    assert Report.objects.count() == 1
    assert ReportEvent.objects.filter(transition="submit").count() == 1
