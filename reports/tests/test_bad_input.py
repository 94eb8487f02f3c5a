"""Bad input to case lists and intake: a 400 saying what is wrong, never a 500.

Run on PostgreSQL too (DATABASE_URL): it refuses a NUL in text, where SQLite stores it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grid.pagination import CappedPaginator, count_at_most
from grid.tests.test_api import assert_json_error
from reports.models import Report
from reports.tests.factories import submit
from reports.tests.test_api import LIST_URL, api

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "This text contains a NUL character (\\0), which text may not contain."
DATE_MESSAGE = "Use a date between 1900-01-01 and 2999-12-31."
PLACE_MESSAGE = "No such place in your jurisdiction: choose one from the list."


def bad_filters(city) -> list[tuple[dict, str, str]]:
    """(query, parameter, message) of every list filter value that must answer 400."""
    return [
        ({"township": city.counties[1].code}, "township", PLACE_MESSAGE),
        ({"township": city.city.code}, "township", PLACE_MESSAGE),
        ({"township": "nowhere"}, "township", PLACE_MESSAGE),
        ({"township": "' OR '1'='1"}, "township", PLACE_MESSAGE),
        ({"date_to": "9999-12-31"}, "date_to", DATE_MESSAGE),
        ({"date_from": "9999-12-31"}, "date_from", DATE_MESSAGE),
        ({"date_from": "0001-01-01"}, "date_from", DATE_MESSAGE),
        ({"date_to": "0001-01-01"}, "date_to", DATE_MESSAGE),
        ({"q": "a\x00b"}, "q", NUL_MESSAGE),
        ({"township": "32\x00"}, "township", NUL_MESSAGE),
    ]


def test_every_bad_list_filter_answers_400_naming_it_in_the_api(city):
    submit(city.informant(0))
    client = api(city.county_admin(0))
    for query, parameter, message in bad_filters(city):
        body = assert_json_error(client.get(LIST_URL, query), 400)
        assert body["errors"] == {parameter: [message]}, query


def test_every_bad_list_filter_is_a_form_error_on_the_queue_page(client, city):
    submit(city.informant(0))
    client.force_login(city.county_admin(0))
    for query, _parameter, message in bad_filters(city):
        response = client.get(reverse("report-queue"), query)
        assert response.status_code == 400, query
        assert message.replace("'", "&#x27;") in response.content.decode(), query


def test_the_bounds_of_the_date_filters_still_work(city):
    submit(city.informant(0))
    client = api(city.county_admin(0))
    response = client.get(LIST_URL, {"date_from": "1900-01-01", "date_to": "2999-12-31"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_empty_list_is_counted_without_reading_a_row(city, django_assert_num_queries):
    """``.none()`` (a filter that can match nothing) counts 0 and reads nothing."""
    with django_assert_num_queries(0):
        assert count_at_most(Report.objects.none(), 1001) == 0
        paginator = CappedPaginator(Report.objects.none().order_by("id"), 25)
        page = paginator.get_page(1)
        assert (paginator.count, paginator.count_exact, list(page)) == (0, True, [])


def test_a_search_longer_than_allowed_answers_400_in_the_api(city):
    """What gunicorn lets through (a request line of up to 8,190 bytes) reaches the filter,
    which refuses a search of more than 100 characters with the API's JSON error."""
    body = assert_json_error(api(city.county_admin(0)).get(LIST_URL, {"q": "x" * 5000}), 400)
    assert body["errors"] == {"q": ["Ensure this value has at most 100 characters (it has 5000)."]}


# --- intake: what was accepted but wrong -----------------------------------------------------

REPORT = {
    "title": "A post",
    "body": "What it says",
    "category": "rumour",
    "source_platform": "weibo",
}


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z"])
def test_a_discovery_time_centuries_ago_is_refused(city, when):
    response = api(city.informant(0)).post(LIST_URL, {**REPORT, "discovered_at": when})
    body = assert_json_error(response, 400)
    assert body["errors"] == {"discovered_at": ["Discovery time cannot be more than 365 days ago."]}
    assert not Report.objects.exists()


def test_a_discovery_time_within_the_bound_is_taken(city, settings):
    settings.REPORT_DISCOVERED_MAX_AGE_DAYS = 10
    now = timezone.now()
    report = submit(city.informant(0), discovered_at=now - timedelta(days=9), now=now)
    assert report.discovered_at == now - timedelta(days=9)
    with pytest.raises(ValidationError) as refused:
        submit(city.informant(0), discovered_at=now - timedelta(days=11), now=now)
    assert refused.value.message_dict == {
        "discovered_at": ["Discovery time cannot be more than 10 days ago."]
    }


def test_the_intake_page_refuses_an_old_discovery_time_beside_the_field(client, city):
    client.force_login(city.informant(0))
    response = client.post(
        reverse("report-new"),
        {
            **REPORT,
            "discovered_at": "1900-01-01T08:00",
            "region": city.informant(0).region_id,
            "suggested_grade": "general",
            "idempotency_key": "k",
        },
    )
    assert response.status_code == 400
    assert "Discovery time cannot be more than 365 days ago." in response.content.decode()
    assert not Report.objects.exists()


def test_a_body_longer_than_the_maximum_is_refused_by_the_service(city, settings):
    settings.REPORT_BODY_MAX_CHARS = 50
    with pytest.raises(ValidationError) as refused:
        submit(city.informant(0), body="字" * 51)
    assert refused.value.message_dict == {"body": ["At most 50 characters: this text has 51."]}
    assert submit(city.informant(0), body="字" * 50).body == "字" * 50


def test_a_megabyte_body_is_refused_by_the_api_and_the_schema_says_how_long(city):
    response = api(city.informant(0)).post(LIST_URL, {**REPORT, "body": "x" * 1_000_000})
    body = assert_json_error(response, 400)
    assert body["errors"] == {"body": ["Ensure this field has no more than 20000 characters."]}
    schema = api(city.informant(0)).get("/api/schema/?format=json").json()
    names = [n for n in schema["components"]["schemas"] if n.startswith("ReportCreate")]
    assert names
    for name in names:
        assert schema["components"]["schemas"][name]["properties"]["body"]["maxLength"] == 20000


def test_an_idempotency_key_longer_than_allowed_is_refused_not_cut(city):
    client = api(city.informant(0))
    body = assert_json_error(
        client.post(LIST_URL, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="k" * 65), 400
    )
    assert body["errors"] == {"idempotency_key": ["An idempotency key has at most 64 characters."]}
    assert not Report.objects.exists()
    response = client.post(LIST_URL, REPORT, format="json", HTTP_IDEMPOTENCY_KEY="k" * 64)
    assert response.status_code == 201
    assert Report.objects.get().idempotency_key == "k" * 64


# --- numbers past what a database holds ------------------------------------------------------

HUGE = "1" + "0" * 25


def test_a_page_past_any_count_is_a_404_in_the_api_and_the_last_page_on_the_queue(client, city):
    """Counting up to page 10**25 overflowed the count's LIMIT (a 500 on both databases)."""
    submit(city.informant(0))
    body = assert_json_error(api(city.county_admin(0)).get(LIST_URL, {"page": HUGE}), 404)
    assert body["detail"] == "Invalid page."
    client.force_login(city.county_admin(0))
    response = client.get(reverse("report-queue"), {"page": HUGE})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_ids_past_64_bits_in_grid_filters_are_refused(city):
    """SQLite overflowed on them (a 500)."""
    client = api(city.county_admin(0))
    for path, parameter in [
        ("/api/v1/regions/", "parent"),
        ("/api/v1/grid-points/", "region"),
        ("/api/v1/units/", "within"),
    ]:
        body = assert_json_error(client.get(path, {parameter: HUGE}), 400)
        assert list(body["errors"]) == [parameter]
