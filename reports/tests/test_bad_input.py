"""Bad input to case lists and intake: a 400 saying what is wrong, never a 500.

Run on PostgreSQL too (DATABASE_URL): it refuses a NUL in text, where SQLite stores it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

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
