"""The home page's work list (reports.panels) and the report links in the main menu."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from grid.models import Role
from reports import services
from reports.tests.factories import submit
from reports.tests.test_views import liaison_of, township_unit

pytestmark = pytest.mark.django_db


def test_informant_home_lists_their_reports_in_plain_words_and_offers_filing(client, city):
    informant = city.informant(0)
    report = submit(informant)
    someone_elses = submit(city.informant(1))
    client.force_login(informant)
    html = client.get("/").content.decode()
    assert report.case_number in html
    assert "Waiting for county review" in html
    assert someone_elses.case_number not in html
    assert 'href="/reports/new/"' in html
    assert 'href="/reports/mine/"' in html


def test_county_admin_home_shows_the_head_of_the_queue_with_counts(client, city):
    admin = city.county_admin(0)
    old = submit(city.informant(_village_in(city, county=0)))
    with time_machine.travel(timezone.now() + timedelta(hours=30)):
        fresh = submit(city.informant(_village_in(city, county=0)))
        elsewhere = submit(city.informant(_village_in(city, county=1)))
        client.force_login(admin)
        html = client.get("/").content.decode()
    assert fresh.case_number in html
    assert old.case_number in html
    assert html.index(fresh.case_number) < html.index(old.case_number)  # newest first
    assert "2 cases waiting" in html
    assert "1 overdue" in html
    assert elsewhere.case_number not in html
    assert 'href="/reports/queue/"' in html


def _village_in(city, *, county: int) -> int:
    return next(
        i
        for i, point in enumerate(city.grid_points)
        if point.region.is_within(city.counties[county])
    )


def test_unit_liaison_home_lists_cases_of_their_unit(client, city):
    unit = township_unit(city)
    report = submit(city.informant(0))
    services.report_transition(
        report_id=report.pk, by=city.county_admin(0), name="accept_local", data={"unit": unit.pk}
    )
    client.force_login(liaison_of(unit))
    html = client.get("/").content.decode()
    assert report.case_number in html
    assert "Cases for my unit" in html


def test_duty_officer_home_lists_escalations(client, city):
    report = submit(city.informant(0))
    services.report_transition(
        report_id=report.pk, by=city.county_admin(0), name="escalate", data={"reason": "跨区域"}
    )
    client.force_login(city.city_user(Role.DUTY_OFFICER))
    html = client.get("/").content.decode()
    assert report.case_number in html
    assert "1 case waiting" in html


@pytest.mark.parametrize("rows", [1, 12])
def test_home_query_count_does_not_grow_with_the_queue(
    client, city, rows, django_assert_num_queries
):
    admin = city.county_admin(0)
    informants = [city.informant(i) for i in range(3)]
    for i in range(rows):
        submit(informants[i % 3], title=f"第{i}条")
    client.force_login(admin)
    client.get("/")
    # the session, the person with their home node, the page's own 9, the access record of
    # the cases the work list shows (grid.audit) and duty's count of today's daily reports
    with django_assert_num_queries(13):
        assert client.get("/").status_code == 200
