"""Reads of cases are recorded in the access log (grid.audit): pages, API, refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grid.models import AccessKind, AccessRecord, Role
from reports import services
from reports.models import Status
from reports.tests import files
from reports.tests.factories import submit
from reports.tests.test_api import api

pytestmark = pytest.mark.django_db


def records() -> list[tuple]:
    """The access log, oldest first, as (person id, kind, case ids, allowed, status)."""
    return [
        (r.user_id, r.kind, r.case_id_list, r.allowed, r.status)
        for r in AccessRecord.objects.order_by("id")
    ]


@pytest.fixture
def people(city):
    informant = city.informant(0)
    return {
        "informant": informant,
        "admin": city.county_admin(0),
        "other_admin": city.county_admin(1),  # the other county
        "case": submit(informant),
    }


# --- pages -----------------------------------------------------------------------------------


def test_the_queue_records_its_query_and_the_cases_on_the_page_in_one_insert(client, people):
    admin, case = people["admin"], people["case"]
    second = submit(people["informant"])
    client.force_login(admin)
    client.get(reverse("report-queue"))
    AccessRecord.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("report-queue"), {"q": "网传某村", "sort": "oldest"})
    assert response.status_code == 200
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert "grid_accessrecord" in inserts[0]
    record = AccessRecord.objects.get()
    assert record.user == admin
    assert record.kind == AccessKind.CASE_LIST
    assert record.case_id_list == [case.pk, second.pk]  # in the page's order
    assert record.query == "q=网传某村&sort=oldest"
    assert record.path == reverse("report-queue")
    assert record.address == "127.0.0.1"
    assert (record.allowed, record.status) == (True, 200)


def test_an_invalid_queue_query_is_recorded_as_refused(client, people):
    client.force_login(people["admin"])
    response = client.get(reverse("report-queue"), {"sort": "nonsense"})
    assert response.status_code == 400
    assert records() == [(people["admin"].pk, AccessKind.CASE_LIST, [], False, 400)]


def test_the_queue_refused_to_an_informant_is_recorded(client, people):
    client.force_login(people["informant"])
    assert client.get(reverse("report-queue")).status_code == 403
    assert records() == [(people["informant"].pk, AccessKind.CASE_LIST, [], False, 403)]


def test_my_reports_and_the_home_work_list_record_the_cases_shown(client, people):
    informant, case = people["informant"], people["case"]
    client.force_login(informant)
    client.get(reverse("report-mine"))
    client.get("/")
    assert records() == [
        (informant.pk, AccessKind.CASE_LIST, [case.pk], True, 200),
        (informant.pk, AccessKind.HOME, [case.pk], True, 200),
    ]


def test_a_page_that_reads_no_case_writes_nothing(client, people):
    client.force_login(people["informant"])
    assert client.get(reverse("report-new")).status_code == 200
    assert not AccessRecord.objects.exists()


def test_the_case_page_records_the_read_and_a_refusal_outside_the_county(client, people):
    case = people["case"]
    client.force_login(people["admin"])
    assert client.get(reverse("report-detail", args=[case.pk])).status_code == 200
    client.force_login(people["other_admin"])
    assert client.get(reverse("report-detail", args=[case.pk])).status_code == 404
    assert records() == [
        (people["admin"].pk, AccessKind.CASE_READ, [case.pk], True, 200),
        (people["other_admin"].pk, AccessKind.CASE_READ, [case.pk], False, 404),
    ]


def test_a_transition_outside_the_county_is_recorded_as_refused(client, people):
    case = people["case"]
    client.force_login(people["other_admin"])
    response = client.post(
        reverse("report-transition", args=[case.pk, "escalate"]), {"escalate-reason": "越界"}
    )
    assert response.status_code == 404
    assert records() == [(people["other_admin"].pk, AccessKind.CASE_ACTION, [case.pk], False, 404)]


def test_a_transition_one_may_not_take_is_recorded_as_refused(client, city, people):
    case = people["case"]
    duty = city.city_user(Role.DUTY_OFFICER)  # sees the case, may not escalate it
    client.force_login(duty)
    response = client.post(
        reverse("report-transition", args=[case.pk, "escalate"]), {"escalate-reason": "试试"}
    )
    assert response.status_code == 403
    assert records() == [(duty.pk, AccessKind.CASE_ACTION, [case.pk], False, 403)]


def test_a_bulk_action_on_cases_outside_the_county_records_them_as_refused(client, city, people):
    mine, foreign = people["case"], submit(city.informant(len(city.grid_points) - 1))
    client.force_login(people["admin"])
    response = client.post(
        reverse("report-queue-bulk"),
        {"action": "escalate", "ids": [mine.pk, foreign.pk], "reason": "跨区域"},
    )
    assert response.status_code == 302
    # the case done is in its history; the one asked for outside the county is refused here
    assert records() == [(people["admin"].pk, AccessKind.CASE_ACTION, [foreign.pk], False, 302)]


@pytest.fixture
def with_attachment(people):
    return submit(
        people["informant"],
        attachments=[SimpleUploadedFile("shot.png", files.png(), content_type="image/png")],
    )


def test_attachment_downloads_and_refusals_are_recorded(client, people, with_attachment):
    url = reverse("report-attachment", args=[with_attachment.pk, 1])
    client.force_login(people["admin"])
    assert client.get(url).status_code == 200
    client.force_login(people["other_admin"])
    assert client.get(url).status_code == 404
    assert records() == [
        (people["admin"].pk, AccessKind.ATTACHMENT, [with_attachment.pk], True, 200),
        (people["other_admin"].pk, AccessKind.ATTACHMENT, [with_attachment.pk], False, 404),
    ]


# --- API -------------------------------------------------------------------------------------


def test_api_reads_and_refusals_are_recorded(people, with_attachment):
    case, admin, other = people["case"], people["admin"], people["other_admin"]
    detail = reverse("reports_api:report-detail", args=[case.pk])
    attachment = reverse("reports_api:report-attachment", args=[with_attachment.pk, 1])
    assert api(admin).get(detail).status_code == 200
    assert api(other).get(detail).status_code == 404
    assert api(other).get(attachment).status_code == 404
    escalate = reverse("reports_api:report-escalate", args=[case.pk])
    assert api(other).post(escalate, {"reason": "越界"}, format="json").status_code == 404
    assert api(admin).post(escalate, {"reason": "跨区域"}, format="json").status_code == 200
    assert records() == [
        (admin.pk, AccessKind.CASE_READ, [case.pk], True, 200),
        (other.pk, AccessKind.CASE_READ, [case.pk], False, 404),
        (other.pk, AccessKind.ATTACHMENT, [with_attachment.pk], False, 404),
        (other.pk, AccessKind.CASE_ACTION, [case.pk], False, 404),
        (admin.pk, AccessKind.CASE_ACTION, [case.pk], True, 200),
    ]


def test_an_invalid_api_list_query_is_recorded_as_refused(people):
    response = api(people["admin"]).get(reverse("reports_api:report-list"), {"sort": "x"})
    assert response.status_code == 400
    record = AccessRecord.objects.get()
    assert (record.kind, record.allowed, record.status, record.query) == (
        AccessKind.CASE_LIST,
        False,
        400,
        "sort=x",
    )


def test_a_nul_in_the_query_is_stored_escaped(client, people):
    # PostgreSQL text cannot hold a NUL: the log keeps it percent-encoded, never fails on it.
    client.force_login(people["admin"])
    client.get(reverse("report-queue"), {"q": "a\x00b c", "sort": "="})
    assert AccessRecord.objects.get().query == "q=a%00b%20c&sort=%3D"


def test_a_read_the_service_refuses_by_state_is_still_a_read(client, people):
    case = people["case"]
    services.report_transition(
        report_id=case.pk, by=people["admin"], name="escalate", data={"reason": "跨区域"}
    )
    client.force_login(people["admin"])
    response = client.post(
        reverse("report-transition", args=[case.pk, "escalate"]), {"escalate-reason": "再次"}
    )
    assert response.status_code == 409  # the case as it stands now: shown, so recorded
    assert records() == [(people["admin"].pk, AccessKind.CASE_ACTION, [case.pk], True, 409)]
    assert type(case).objects.get(pk=case.pk).status == Status.ESCALATED
