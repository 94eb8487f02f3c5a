"""Cases follow the grid: a moved township or village takes its cases to its new county
(reports.regions, through grid.hooks), in the move's own transaction."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from grid import hooks
from grid.importing import ImportSource
from grid.models import Region, Role
from grid.services import grid_import, region_set_parent
from grid.tests.factories import api_token_for
from reports.models import Report
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

LIST_URL = reverse("reports_api:report-list")


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def listed(user) -> tuple[int, set[str]]:
    """The API list as ``user`` sees it: its count and its case numbers."""
    body = api(user).get(LIST_URL, {"page_size": 100}).json()
    return body["count"], {row["case_number"] for row in body["results"]}


def detail_answers(client, user, report: Report) -> tuple[int, int]:
    """What the API detail and the case page answer ``user`` for ``report``."""
    client.force_login(user)
    page = client.get(reverse("report-detail", args=[report.pk])).status_code
    detail = api(user).get(reverse("reports_api:report-detail", args=[report.pk])).status_code
    return detail, page


def test_a_township_moved_to_another_county_takes_its_cases(client, city):
    # given: two cases in township 0 (county 0), one in township 1 (stays)
    township, target = city.townships[0], city.counties[1]
    old_admin, new_admin = city.county_admin(0), city.county_admin(1)
    moving = [submit(city.informant(0)), submit(city.informant(1))]
    staying = submit(city.informant(2))
    assert listed(old_admin) == (3, {r.case_number for r in [*moving, staying]})
    assert listed(new_admin) == (0, set())
    # when
    region_set_parent(region=township, parent=target)
    # then: the new county admin sees them everywhere, the old one nowhere
    for report in moving:
        report.refresh_from_db()
        assert report.county_id == target.pk
        assert report.region_path == Region.objects.get(pk=report.region_id).path
        assert report.region_path.startswith(target.path)
        assert detail_answers(client, new_admin, report) == (200, 200)
        assert detail_answers(client, old_admin, report) == (404, 404)
    assert listed(new_admin) == (2, {r.case_number for r in moving})
    assert listed(old_admin) == (1, {staying.case_number})
    staying.refresh_from_db()
    assert staying.county_id == city.counties[0].pk
    # and the new county's queue page holds them
    client.force_login(new_admin)
    html = client.get(reverse("report-queue")).content.decode()
    assert all(r.case_number in html for r in moving)


def test_a_village_moved_to_a_township_of_another_county_takes_its_cases(client, city):
    village, target = city.villages[0], city.townships[2]  # county 0 -> a township of county 1
    report = submit(city.informant(0))
    neighbour = submit(city.informant(1))  # the other village of the same township stays
    region_set_parent(region=village, parent=target)
    report.refresh_from_db()
    assert report.county_id == city.counties[1].pk
    assert report.region_path == f"{target.path}{village.code}/"
    assert detail_answers(client, city.county_admin(1), report) == (200, 200)
    assert detail_answers(client, city.county_admin(0), report) == (404, 404)
    neighbour.refresh_from_db()
    assert neighbour.county_id == city.counties[0].pk
    assert neighbour.region_path == city.villages[1].path


def test_a_village_moved_within_its_county_keeps_its_county(city):
    village, target = city.villages[0], city.townships[1]
    report = submit(city.informant(0))
    region_set_parent(region=village, parent=target)
    report.refresh_from_db()
    assert report.county_id == city.counties[0].pk
    assert report.region_path == f"{target.path}{village.code}/"


def test_a_county_moved_to_another_city_keeps_its_county_and_takes_the_new_path(
    client, city, other_city
):
    county = city.counties[0]
    report = submit(city.informant(0))
    old_duty = city.city_user(Role.DUTY_OFFICER)
    new_duty = other_city.city_user(Role.DUTY_OFFICER, username="duty-of-the-other-city")
    region_set_parent(region=county, parent=other_city.city)
    report.refresh_from_db()
    assert report.county_id == county.pk
    assert report.region_path == Region.objects.get(pk=report.region_id).path
    assert report.region_path.startswith(other_city.city.path)
    assert detail_answers(client, city.county_admin(0), report) == (200, 200)
    assert detail_answers(client, new_duty, report) == (200, 200)
    assert detail_answers(client, old_duty, report) == (404, 404)


def test_the_cases_are_rewritten_by_one_update(city):
    submit(city.informant(0))
    submit(city.informant(1))
    with CaptureQueriesContext(connection) as queries:
        region_set_parent(region=city.townships[0], parent=city.counties[1])
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len([sql for sql in writes if "reports_report" in sql]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_hook_undoes_the_move_and_the_cases_rewrite(city, monkeypatch):
    # given: a hook registered after the reports' one, which fails
    def boom(move: hooks.RegionMoved) -> None:
        raise RuntimeError("a later hook failed")

    monkeypatch.setattr(hooks, "_region_moved", [*hooks._region_moved, boom])
    township = city.townships[0]
    report = submit(city.informant(0))
    old_paths = dict(Region.objects.values_list("pk", "path"))
    # when
    with pytest.raises(RuntimeError):
        region_set_parent(region=township, parent=city.counties[1])
    # then: neither the regions nor the case moved
    assert dict(Region.objects.values_list("pk", "path")) == old_paths
    assert Region.objects.get(pk=township.pk).parent_id == city.counties[0].pk
    report.refresh_from_db()
    assert report.county_id == city.counties[0].pk
    assert report.region_path == city.villages[0].path


def test_the_reports_hook_is_registered_once():
    from reports.regions import cases_follow_region_move

    assert hooks._region_moved.count(cases_follow_region_move) == 1
    hooks.register_region_moved(cases_follow_region_move)
    assert hooks._region_moved.count(cases_follow_region_move) == 1


def test_a_grid_import_moving_a_township_takes_its_cases(client, city):
    township, target = city.townships[0], city.counties[1]
    report = submit(city.informant(0))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["code", "name", "level", "parent_code", "kind"],
            [township.code, township.name, "township", target.code, ""],
        ]
    )
    result = grid_import(sources=[ImportSource("move.csv", buffer.getvalue().encode())])
    assert result.ok, [str(i) for i in result.errors]
    report.refresh_from_db()
    assert report.county_id == target.pk
    assert report.region_path.startswith(f"{target.path}{township.code}/")
    assert detail_answers(client, city.county_admin(1), report) == (200, 200)
    assert detail_answers(client, city.county_admin(0), report) == (404, 404)
