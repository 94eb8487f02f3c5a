"""No case number crosses a county line (issue 9, Confidentiality).

A case may point to another: its likely duplicate (a source link reported before) and the case
it was merged into. A reader learns of that case only what lies in their jurisdiction: inside
it, its number and a link; outside it, at most "reported elsewhere in the city" (staff only),
never its id, number or title, in any page, API answer, step data or notification.
"""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import translation

from grid.models import Role
from notifications.models import Notification
from reports import services
from reports.models import Report, ReportEvent, Status
from reports.tests.factories import submit
from reports.tests.test_api import api, detail_url, transition_url

pytestmark = pytest.mark.django_db

LINK = "https://weibo.com/status/4242"
LIST_URL = reverse("reports_api:report-list")
ORIGINAL_ID = 987654  # an id no other number on a page or in an answer comes near


@pytest.fixture(autouse=True)
def _english(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _next_report_id(value: int) -> None:
    """Make the next report's id ``value``."""
    table = Report._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, value - 1]
            )
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value - 1]
            )


@pytest.fixture
def original(city) -> Report:
    """A case of county 0 whose source link is then reported in county 1."""
    _next_report_id(ORIGINAL_ID)
    report = submit(city.informant(0), title="原帖：某镇化工厂排污", source_urls=[LINK])
    assert report.pk == ORIGINAL_ID
    return report


def assert_says_nothing_of(case: Report, *texts: str) -> None:
    """Neither the id, the number nor the title of ``case`` is in any of ``texts``."""
    for text in texts:
        for secret in (str(case.pk), case.case_number, case.title):
            assert secret not in text


def _page(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _notifications_of(user) -> str:
    return json.dumps(
        list(Notification.objects.filter(recipient=user).values("subject", "text", "url")),
        ensure_ascii=False,
    )


def test_a_likely_duplicate_in_another_county_is_only_reported_elsewhere(client, city, original):
    again = submit(city.informant(4), source_urls=[LINK])  # a village of county 1
    assert again.likely_duplicate_of == original
    admin = city.county_admin(1)

    queue = _page(client, admin, reverse("report-queue"))
    assert again.case_number in queue
    assert "reported elsewhere" in queue
    assert "rp-badge-dup" not in queue  # no link to follow
    case_page = _page(client, admin, reverse("report-detail", args=[again.pk]))
    assert "This link was reported elsewhere in the city" in case_page
    assert "Likely duplicate of" not in case_page

    (row,) = api(admin).get(LIST_URL).json()["results"]
    assert (row["likely_duplicate_of"], row["likely_duplicate_elsewhere"]) == (None, True)
    detail = api(admin).get(detail_url(again)).json()
    assert (detail["likely_duplicate_of"], detail["likely_duplicate_elsewhere"]) == (None, True)
    (filed,) = detail["history"]
    assert filed["data"] == {"attachments": 0, "likely_duplicate_elsewhere": True}

    assert_says_nothing_of(
        original,
        queue,
        case_page,
        json.dumps(row, ensure_ascii=False),
        json.dumps(detail, ensure_ascii=False),
        _notifications_of(admin),
    )


def test_a_likely_duplicate_is_named_within_the_jurisdiction_and_to_the_city(
    client, city, original
):
    here = submit(city.informant(1), source_urls=[LINK])  # county 0, as the original
    there = submit(city.informant(4), source_urls=[LINK])  # county 1
    # The hint prefers the case of the report's own county: the last one of county 0.
    assert there.likely_duplicate_of == here
    admin, duty = city.county_admin(0), city.city_user(Role.DUTY_OFFICER)
    for reader, case, named in (
        (admin, here, original),
        (duty, here, original),
        (duty, there, here),
    ):
        case_page = _page(client, reader, reverse("report-detail", args=[case.pk]))
        assert "Likely duplicate of" in case_page
        assert reverse("report-detail", args=[named.pk]) in case_page
        assert named.case_number in case_page
        assert "elsewhere in the city" not in case_page
        detail = api(reader).get(detail_url(case)).json()
        assert (detail["likely_duplicate_of"], detail["likely_duplicate_elsewhere"]) == (
            named.case_number,
            False,
        )
        assert detail["history"][0]["data"] == {
            "attachments": 0,
            "likely_duplicate_of": named.case_number,
        }
    queue = _page(client, admin, reverse("report-queue"))
    badge = f'class="rp-badge rp-badge-dup" href="{reverse("report-detail", args=[original.pk])}"'
    assert badge in queue
    rows = api(duty).get(LIST_URL, {"status": Status.values}).json()["results"]
    hints = {row["case_number"]: row["likely_duplicate_of"] for row in rows}
    assert hints == {
        original.case_number: None,
        here.case_number: original.case_number,
        there.case_number: here.case_number,
    }


def test_a_likely_duplicate_falls_back_to_another_county_only_if_its_own_has_none(city, original):
    there = submit(city.informant(4), source_urls=[LINK])
    here = submit(city.informant(1), source_urls=[LINK])
    assert there.likely_duplicate_of == original  # county 1 has no other: county 0's
    assert here.likely_duplicate_of == original  # county 0's own, though county 1's is newer


def test_people_who_report_learn_nothing_of_likely_duplicates(client, city, original):
    informant = city.informant(4)
    again = submit(informant, source_urls=[LINK])
    mine = api(informant).get(detail_url(again)).json()
    assert (mine["likely_duplicate_of"], mine["likely_duplicate_elsewhere"]) == (None, False)
    assert mine["history"][0]["data"] == {"attachments": 0}
    case_page = _page(client, informant, reverse("report-detail", args=[again.pk]))
    assert "elsewhere" not in case_page
    assert "Likely duplicate" not in case_page
    assert_says_nothing_of(original, case_page, json.dumps(mine, ensure_ascii=False))


def test_steps_stored_with_the_other_case_id_never_show_it(city, original):
    """Steps filed before the fix kept the likely duplicate's id in their data: the history
    never reads it, and the migration removes it."""
    again = submit(city.informant(4), source_urls=[LINK])
    old = {"attachments": 0, "likely_duplicate_of": original.pk}
    ReportEvent.objects.filter(transition="submit").update(data=old)
    detail = api(city.county_admin(1)).get(detail_url(again)).json()
    assert detail["history"][0]["data"] == {"attachments": 0, "likely_duplicate_elsewhere": True}
    assert_says_nothing_of(original, json.dumps(detail, ensure_ascii=False))

    migration = importlib.import_module("reports.migrations.0006_submit_events_without_case_ids")
    migration.drop_case_ids(apps, SimpleNamespace(connection=connection))
    assert list(ReportEvent.objects.values_list("data", flat=True)) == [{"attachments": 0}] * 2


def _merged_across_counties(city, original) -> Report:
    """A county 1 case the city's duty officer merged into ``original`` (county 0)."""
    duty = city.city_user(Role.DUTY_OFFICER)
    case = submit(city.informant(4), title="另一县的同一来源")
    services.report_transition(
        report_id=case.pk, by=city.county_admin(1), name="escalate", data={"reason": "跨县"}
    )
    services.report_transition(
        report_id=case.pk,
        by=duty,
        name="reject",
        data={"kind": "duplicate", "reason": "同一来源", "duplicate_of": original.case_number},
    )
    case.refresh_from_db()
    assert case.duplicate_of == original
    return case


def test_a_case_merged_into_another_countys_case_does_not_name_it(client, city, original):
    merged = _merged_across_counties(city, original)
    admin, informant = city.county_admin(1), merged.reporter

    staff = api(admin).get(detail_url(merged)).json()
    assert (staff["duplicate_of"], staff["duplicate_elsewhere"]) == (None, True)
    assert staff["history"][-1]["data"] == {"kind": "duplicate", "duplicate_elsewhere": True}
    staff_page = _page(client, admin, reverse("report-detail", args=[merged.pk]))
    assert "Duplicate (merged) · elsewhere in the city" in staff_page

    theirs = api(informant).get(detail_url(merged)).json()
    assert (theirs["duplicate_of"], theirs["duplicate_elsewhere"]) == (None, False)
    assert theirs["history"][-1]["data"] == {"kind": "duplicate"}
    their_page = _page(client, informant, reverse("report-detail", args=[merged.pk]))
    assert "Duplicate (merged)" in their_page

    assert_says_nothing_of(
        original,
        json.dumps(staff, ensure_ascii=False),
        staff_page,
        json.dumps(theirs, ensure_ascii=False),
        their_page,
        _notifications_of(admin),
        _notifications_of(informant),
    )


def test_the_city_and_the_originals_county_see_the_merge_as_far_as_they_may(client, city, original):
    merged = _merged_across_counties(city, original)
    duty = city.city_user(Role.DUTY_OFFICER)
    detail = api(duty).get(detail_url(merged)).json()
    assert (detail["duplicate_of"], detail["duplicate_elsewhere"]) == (original.case_number, False)
    assert detail["history"][-1]["data"] == {
        "kind": "duplicate",
        "duplicate_of": original.case_number,
    }
    assert reverse("report-detail", args=[original.pk]) in _page(
        client, duty, reverse("report-detail", args=[merged.pk])
    )
    # The original's county admin does not see who else reported it from county 1.
    admin = city.county_admin(0)
    body = api(admin).get(detail_url(original)).json()
    assert body["merged_duplicates"] == []
    page = _page(client, admin, reverse("report-detail", args=[original.pk]))
    assert_says_nothing_of(merged, json.dumps(body, ensure_ascii=False), page)


def test_rejecting_as_duplicate_answers_the_same_for_an_invisible_and_a_missing_case(
    client, city, original
):
    case = submit(city.informant(4))
    admin = city.county_admin(1)
    answers = []
    for number in (original.case_number, "YZ-19990101-9999"):
        response = api(admin).post(
            transition_url(case, "reject"),
            {"kind": "duplicate", "reason": "重复", "duplicate_of": number},
            format="json",
        )
        assert response.status_code == 400
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert answers[0]["errors"] == {"duplicate_of": ["Give the case number of the original case."]}

    client.force_login(admin)
    forms = []
    for number in (original.case_number, "YZ-19990101-9999"):
        response = client.post(
            reverse("report-transition", args=[case.pk, "reject"]),
            {"reject-kind": "duplicate", "reject-reason": "重复", "reject-duplicate_of": number},
        )
        assert response.status_code == 400
        (reject,) = [a for a in response.context["actions"] if a.name == "reject"]
        forms.append(reject.form.errors)
        assert_says_nothing_of(original, response.content.decode().replace(number, ""))
    assert forms[0] == forms[1] == {"duplicate_of": ["Give the case number of the original case."]}


def test_hints_cost_no_query_of_their_own(
    client,
    city,
    original,
    django_assert_num_queries,
):
    admin = city.county_admin(1)
    submit(city.informant(4), source_urls=[LINK])  # elsewhere
    again = submit(city.informant(5), source_urls=[LINK])  # named: the one above
    client.force_login(admin)
    # As tests/test_views.py::test_queue_query_count_is_constant pins it, hints or none.
    with django_assert_num_queries(7):
        html = client.get(reverse("report-queue")).content.decode()
    assert "reported elsewhere" in html
    assert "rp-badge-dup" in html
    # As test_api.py::test_case_detail_reads_only_what_the_case_has pins it.
    reader = api(admin)
    with django_assert_num_queries(5):
        body = reader.get(detail_url(again)).json()
    assert body["likely_duplicate_of"] is not None
