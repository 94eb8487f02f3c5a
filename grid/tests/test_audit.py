"""The access log (grid.audit): the record, the writer, grid pages listing people."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from grid import audit
from grid.models import AccessKind, AccessRecord, Role

pytestmark = pytest.mark.django_db


def make_record(**fields) -> AccessRecord:
    defaults = {
        "at": timezone.now(),
        "kind": AccessKind.CASE_READ,
        "path": "/reports/1/",
        "allowed": True,
    }
    return AccessRecord.objects.create(**{**defaults, **fields})


def test_records_are_append_only(city):
    record = make_record(user=city.county_admin(0), case_ids=",1,")
    record.kind = AccessKind.EXPORT
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(ValueError, match="append-only"):
        record.delete()
    with pytest.raises(ValueError, match="append-only"):
        AccessRecord.objects.filter(pk=record.pk).update(allowed=False)
    assert AccessRecord.objects.get().kind == AccessKind.CASE_READ


def test_a_request_writes_what_it_recorded_in_one_insert_with_the_answer(
    city, django_assert_num_queries
):
    admin = city.county_admin(0)
    request = RequestFactory().get("/reports/queue/", {"q": "塌陷"}, REMOTE_ADDR="10.1.2.3")
    request.user = admin
    audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[3, 1, 2])
    audit.record(request, kind=AccessKind.CASE_READ, case_ids=[9], allowed=False)
    with django_assert_num_queries(1):
        assert audit.flush(request, HttpResponse(status=404)) == 2
    with django_assert_num_queries(0):  # written once
        assert audit.flush(request, HttpResponse()) == 0
    rows = list(AccessRecord.objects.order_by("id"))
    assert [(r.kind, r.case_id_list, r.allowed) for r in rows] == [
        (AccessKind.CASE_LIST, [3, 1, 2], True),
        (AccessKind.CASE_READ, [9], False),
    ]
    assert {(r.user_id, r.address, r.path, r.query, r.status) for r in rows} == {
        (admin.pk, "10.1.2.3", "/reports/queue/", "q=塌陷", 404)
    }


def test_the_address_is_the_one_grid_client_address_decides(city, settings):
    settings.GRID_TRUSTED_PROXIES = ["10.0.0.5"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    request.user = city.county_admin(0)
    audit.record(request, kind=AccessKind.HOME)
    audit.flush(request, HttpResponse())
    assert AccessRecord.objects.get().address == "203.0.113.7"  # not the client's own claim


def test_a_path_with_a_nul_and_a_long_query_are_stored_bounded(city):
    request = RequestFactory().get("/grid/regions/a\x00b/", {"q": "x" * 5000})
    request.user = city.county_admin(0)
    audit.record(request, kind=AccessKind.PEOPLE_LIST)
    audit.flush(request, None)
    record = AccessRecord.objects.get()
    assert record.path == "/grid/regions/a%00b/"
    assert len(record.query) == AccessRecord.QUERY_MAX
    assert record.status is None


def test_an_anonymous_record_has_no_person():
    request = RequestFactory().get("/")
    audit.record(request, kind=AccessKind.EXPORT)
    audit.flush(request, HttpResponse())
    assert AccessRecord.objects.get().user is None


# --- grid pages listing people ----------------------------------------------------------------


def test_grid_pages_listing_people_are_recorded_refusals_too(client, city):
    admin = city.county_admin(0)
    client.force_login(admin)
    mine, theirs = city.counties[0], city.counties[1]
    assert client.get(reverse("grid-region", args=[mine.code]), {"q": "用户"}).status_code == 200
    assert client.get(reverse("grid-region", args=[theirs.code])).status_code == 404
    point = city.grid_points[0]
    assert client.get(reverse("grid-point", args=[point.code])).status_code == 200
    foreign_point = city.grid_points[-1]
    assert client.get(reverse("grid-point", args=[foreign_point.code])).status_code == 404
    rows = list(AccessRecord.objects.order_by("id"))
    assert [(r.kind, r.path, r.query, r.allowed, r.status) for r in rows] == [
        (AccessKind.PEOPLE_LIST, f"/grid/regions/{mine.code}/", "q=用户", True, 200),
        (AccessKind.PEOPLE_LIST, f"/grid/regions/{theirs.code}/", "", False, 404),
        (AccessKind.PEOPLE_LIST, f"/grid/points/{point.code}/", "", True, 200),
        (AccessKind.PEOPLE_LIST, f"/grid/points/{foreign_point.code}/", "", False, 404),
    ]
    assert {r.user_id for r in rows} == {admin.pk}


def test_pages_that_list_no_people_and_no_cases_write_nothing(client, city):
    client.force_login(city.city_user(Role.SYS_ADMIN, is_staff=True))
    assert client.get("/").status_code == 200  # the operators' home: no work list
    assert client.get(reverse("grid-region-children", args=[city.city.code])).status_code == 200
    assert not AccessRecord.objects.exists()
