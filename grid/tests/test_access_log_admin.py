"""The access log in the admin: read-only, scoped to the admin's city, exported as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from grid.models import AccessKind, AccessRecord, Role
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:grid_accessrecord_changelist"
EXPORT = "admin:grid_accessrecord_export"


@pytest.fixture
def city_admin(city):
    return city.city_user(Role.SYS_ADMIN, is_staff=True, username="city-admin")


@pytest.fixture
def operator(db):
    return UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)


@pytest.fixture
def log(city, other_city):
    """A record of a person of each city and one of nobody signed in."""
    here = city.county_admin(0, username="here", name="=1+2")  # a name like a formula
    there = other_city.county_admin(0, username="there")
    now = timezone.now()
    rows = {
        "here": AccessRecord.objects.create(
            user=here,
            at=now,
            kind=AccessKind.CASE_READ,
            path="/reports/12/",
            case_ids=",12,",
            allowed=True,
            status=200,
            address="10.0.0.1",
        ),
        "refused": AccessRecord.objects.create(
            user=here,
            at=now,
            kind=AccessKind.CASE_READ,
            path="/reports/123/",
            case_ids=",123,",
            allowed=False,
            status=404,
        ),
        "list": AccessRecord.objects.create(
            user=here,
            at=now,
            kind=AccessKind.CASE_LIST,
            path="/reports/queue/",
            query="q=1",
            case_ids=",12,13,",
            allowed=True,
            status=200,
        ),
        "there": AccessRecord.objects.create(
            user=there,
            at=now,
            kind=AccessKind.CASE_READ,
            path="/reports/99/",
            case_ids=",99,",
            allowed=True,
            status=200,
        ),
        "nobody": AccessRecord.objects.create(
            at=now, kind=AccessKind.EXPORT, path="/x/", allowed=True, status=200
        ),
    }
    return rows


def shown(client, **params) -> set[int]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {r.pk for r in response.context["cl"].result_list}


def test_a_city_admin_sees_the_records_of_their_city_only(client, city_admin, log):
    client.force_login(city_admin)
    assert shown(client) == {log["here"].pk, log["refused"].pk, log["list"].pk}


def test_an_operator_sees_every_record(client, operator, log):
    client.force_login(operator)
    assert shown(client) == {r.pk for r in log.values()}


def test_filters_and_search_by_person_and_case(client, operator, log):
    client.force_login(operator)
    assert shown(client, allowed__exact="0") == {log["refused"].pk}
    assert shown(client, kind__exact=AccessKind.CASE_LIST) == {log["list"].pk}
    assert shown(client, q="there") == {log["there"].pk}
    assert shown(client, q="12") == {log["here"].pk, log["list"].pk}  # not 123
    # a range, as the date filter (or a hand-made link) asks for it
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert len(shown(client, at__gte=str(midnight))) == len(log)
    assert shown(client, at__lt=str(midnight)) == set()


def test_nobody_adds_changes_or_deletes_a_record(client, operator, log):
    client.force_login(operator)
    record = log["here"]
    assert client.get(reverse("admin:grid_accessrecord_add")).status_code == 403
    change = reverse("admin:grid_accessrecord_change", args=[record.pk])
    assert client.get(change).status_code == 200  # read-only view
    assert client.post(change, {"kind": AccessKind.EXPORT}).status_code == 403
    delete = reverse("admin:grid_accessrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessRecord.objects.get(pk=record.pk).kind == AccessKind.CASE_READ
    assert client.get(reverse(CHANGELIST)).context["action_form"] is None


def test_people_who_are_not_grid_admins_cannot_see_or_export_it(client, city, log):
    staff = city.county_admin(0, is_staff=True, username="staff-county")
    client.force_login(staff)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse(EXPORT)).status_code == 403
    assert not AccessRecord.objects.filter(kind=AccessKind.EXPORT, user=staff).exists()


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_gives_the_filtered_range_as_csv_and_is_recorded(client, city_admin, log, settings):
    client.force_login(city_admin)
    response = client.get(reverse(EXPORT), {"kind__exact": AccessKind.CASE_READ})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = _rows(response)
    assert [(r["path"], r["allowed"], r["case_ids"]) for r in rows] == [
        ("/reports/123/", "no", "123"),  # newest first
        ("/reports/12/", "yes", "12"),
    ]
    assert rows[1]["username"] == "here"
    assert rows[1]["address"] == "10.0.0.1"
    export = AccessRecord.objects.get(kind=AccessKind.EXPORT, user=city_admin)
    assert export.query == "kind__exact=case_read"
    assert export.path == reverse(EXPORT)


def test_export_cells_never_run_as_formulas_and_big_ranges_come_in_batches(
    client, operator, log, monkeypatch
):
    from grid.admin import grid as grid_admin

    monkeypatch.setattr(grid_admin, "EXPORT_BATCH", 2)
    client.force_login(operator)
    rows = _rows(client.get(reverse(EXPORT)))
    assert len(rows) == len(log)  # three batches of at most two
    (listed,) = [r for r in rows if r["kind"] == AccessKind.CASE_LIST]
    assert listed["name"] == "'=1+2"
    assert listed["query"] == "q=1"


def test_the_change_list_links_to_the_export_of_what_it_shows(client, operator, log):
    client.force_login(operator)
    html = client.get(reverse(CHANGELIST), {"allowed__exact": "0"}).content.decode()
    assert f'href="{reverse(EXPORT)}?allowed__exact=0"' in html
