"""Counts of case lists kept in the shared cache: counted once, never stale (reports.counts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from grid.tests.test_api import with_token
from reports import services
from reports.counts import every_count_changed
from reports.models import Category, Report, Status
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db
LIST_URL = "/api/v1/reports/"


@pytest.fixture
def kept(settings, shared_cache):
    """The shared cache on, as it is with Redis."""
    settings.REPORT_COUNT_CACHE_SECONDS = 300


def token_client(user) -> APIClient:
    return with_token(APIClient(), user)


def counted(client, url=LIST_URL, **params) -> tuple[int, bool]:
    """The list's count, and whether the database was asked for it."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    asked = any("COUNT(" in q["sql"] for q in captured.captured_queries)
    if url == LIST_URL:
        return response.json()["count"], asked
    return response.context["page"].paginator.count, asked


def test_a_list_is_counted_once_while_nothing_changes(kept, city):
    submit(city.informant(0))
    client = token_client(city.county_admin(0))
    assert counted(client) == (1, True)
    assert counted(client) == (1, False)
    assert counted(client, page_size=5) == (1, False)  # the page size is not the count's
    assert counted(client, category=Category.NEGATIVE) == (1, True)  # another list
    assert counted(client, category=Category.NEGATIVE) == (1, False)


def test_a_new_case_in_the_county_is_counted_at_once(kept, city):
    submit(city.informant(0))
    admin_client = token_client(city.county_admin(0))
    city_client = token_client(city.city_user())
    assert counted(admin_client)[0] == counted(city_client)[0] == 1
    submit(city.informant(1))
    assert counted(admin_client) == (2, True)
    assert counted(city_client) == (2, True)


def test_a_case_in_another_county_keeps_the_count_of_this_one(kept, city):
    submit(city.informant(0))
    admin_client = token_client(city.county_admin(0))
    city_client = token_client(city.city_user())
    counted(admin_client)
    counted(city_client)
    submit(city.informant(4))  # village 4 lies in the second county
    assert counted(admin_client) == (1, False)
    assert counted(city_client) == (2, True)


def test_a_transition_changes_the_queue_count_at_once(kept, client, city):
    report = submit(city.informant(0))
    submit(city.informant(1))
    admin = city.county_admin(0)
    client.force_login(admin)
    queue = reverse("report-queue")
    assert counted(client, queue) == (2, True)
    assert counted(client, queue) == (2, False)
    services.report_transition(
        report_id=report.pk, by=admin, name="escalate", data={"reason": "需市级研判"}
    )
    assert counted(client, queue) == (1, True)  # escalated: out of the county's working set
    assert counted(client, queue, status=Status.ESCALATED) == (1, True)


def test_a_corrected_category_is_counted_at_once(kept, city):
    report = submit(city.informant(0))
    admin = city.county_admin(0)
    client = token_client(admin)
    assert counted(client, category=Category.NEGATIVE)[0] == 1
    services.report_amend_category(
        report_id=report.pk, by=admin, category=Category.RUMOUR, reason="实为谣言"
    )
    assert counted(client, category=Category.NEGATIVE) == (0, True)
    assert counted(client, category=Category.RUMOUR) == (1, True)


def test_a_bulk_write_drops_every_kept_count(kept, city):
    submit(city.informant(0))
    client = token_client(city.county_admin(0))
    counted(client)
    Report.objects.update(county=city.counties[1])  # a repair by hand: no signals…
    every_count_changed()  # …until it says so, as bulk loads do
    assert counted(client) == (0, True)


def test_the_overdue_count_follows_the_clock(kept, city):
    now = timezone.now()
    submit(city.informant(0), discovered_at=now - timedelta(hours=23))
    client = token_client(city.county_admin(0))
    assert counted(client, overdue="1") == (0, True)
    with time_machine.travel(now + timedelta(hours=2)):
        assert counted(client, overdue="1") == (1, True)


def test_without_a_shared_cache_every_list_is_counted(settings, city):
    settings.REPORT_COUNT_CACHE_SECONDS = 0
    submit(city.informant(0))
    client = token_client(city.county_admin(0))
    counted(client)
    assert counted(client) == (1, True)
