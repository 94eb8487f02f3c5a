"""Requests Django refuses while reading them, and NUL characters where no form reads them.

API errors are always the API's JSON (``grid.api.errors``), pages the product's 400 page;
each says what is wrong. Run on PostgreSQL too (DATABASE_URL): it refuses a NUL in text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from grid.tests.factories import api_token_for
from grid.tests.test_api import assert_json_error
from reports.models import Report
from reports.tests import files

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/reports/"
NUL_MESSAGE = "This text contains a NUL character (\\0), which text may not contain."
REPORT = {
    "title": "A post",
    "body": "What it says",
    "category": "rumour",
    "source_platform": "weibo",
}
BOUNDARY = "grid-test-boundary"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def multipart(fields: dict[str, bytes]) -> bytes:
    """A multipart body of raw field bytes (so that they need not be UTF-8)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_multipart(client: APIClient, fields: dict[str, bytes]):
    return client.generic(
        "POST",
        LIST_URL,
        multipart(fields),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def utf8(fields: dict[str, str]) -> dict[str, bytes]:
    return {name: value.encode() for name, value in fields.items()}


# --- bodies Django refuses -------------------------------------------------------------------


def test_a_json_body_over_the_upload_limit_answers_json_400(city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    body = json.dumps({**REPORT, "body": "x" * (3 * 1024 * 1024)})
    response = api(city.informant(0)).generic(
        "POST", LIST_URL, body, content_type="application/json"
    )
    answer = assert_json_error(response, 400)
    assert answer == {
        "detail": "The request is too large: its text may hold at most 2 MB.",
        "code": "too_large",
    }
    assert not Report.objects.exists()


def test_multipart_fields_over_the_upload_limit_answer_json_400(city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = post_multipart(api(city.informant(0)), utf8({**REPORT, "body": "x" * 1_100_000}))
    assert assert_json_error(response, 400)["code"] == "too_large"


def test_too_many_fields_answer_json_400(city, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    fields = "&".join(f"source_urls=https://e.example/{i}" for i in range(30))
    response = api(city.informant(0)).generic(
        "POST", LIST_URL, fields, content_type="application/x-www-form-urlencoded"
    )
    body = assert_json_error(response, 400)
    assert body == {
        "detail": "The request has too many fields (at most 20).",
        "code": "too_many_fields",
    }


def test_a_page_refuses_too_large_a_form_with_the_products_400_page(client, city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(city.informant(0))
    response = client.post(reverse("report-new"), {**REPORT, "body": "x" * 1_100_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="bad-request"' in html
    assert "The request is too large: its text may hold at most 1 MB." in html


def test_a_body_the_api_cannot_parse_answers_json_400(city):
    response = api(city.informant(0)).generic(
        "POST", LIST_URL, b"{nope", content_type="application/json"
    )
    assert assert_json_error(response, 400)["code"] == "parse_error"


# --- text that is not UTF-8 ------------------------------------------------------------------


def test_a_multipart_field_that_is_not_utf8_is_refused_not_mended(city):
    fields = {**utf8(REPORT), "title": b"\xff\xfe broken"}
    body = assert_json_error(post_multipart(api(city.informant(0)), fields), 400)
    assert body == {
        "detail": "The field title is not valid UTF-8 text: send text as UTF-8.",
        "code": "parse_error",
    }
    assert not Report.objects.exists()


def test_a_url_encoded_field_that_is_not_utf8_is_refused(city):
    response = api(city.informant(0)).generic(
        "POST",
        LIST_URL,
        "title=%FF%FE&body=b&category=rumour&source_platform=weibo",
        content_type="application/x-www-form-urlencoded",
    )
    assert assert_json_error(response, 400)["detail"].startswith("The field title is not valid")


def test_utf8_multipart_fields_and_file_names_arrive_as_sent(city):
    client = api(city.informant(0))
    screenshot = SimpleUploadedFile("截图.png", files.png(), content_type="image/png")
    response = client.post(
        LIST_URL,
        {**REPORT, "title": "网上传言 — «quoted» ✓", "attachments": [screenshot]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get()
    assert report.title == "网上传言 — «quoted» ✓"
    assert report.attachments.get().original_name == "截图.png"


# --- NUL characters where no form reads them ---------------------------------------------------


@pytest.mark.parametrize("name", ["grid-region", "grid-region-children", "grid-point"])
def test_a_nul_in_a_grid_pages_address_is_a_400_page_saying_so(client, city, name):
    client.force_login(city.county_admin(0))
    response = client.get(reverse(name, args=["3210\x0001"]))
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_the_people_search_is_refused_beside_the_search_box(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("grid-region", args=[city.counties[0].code]), {"q": "张\x00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="people-q-error"' in html
    assert NUL_MESSAGE in html
    assert "\x00" not in html


def test_nul_messages_say_what_is_wrong_in_serializers_too(city):
    response = api(city.informant(0)).post(LIST_URL, {**REPORT, "title": "\x00"}, format="json")
    assert assert_json_error(response, 400)["errors"] == {"title": [NUL_MESSAGE]}
    response = api(city.county_admin(0)).get("/api/v1/regions/", {"q": "a\x00"})
    assert assert_json_error(response, 400)["errors"] == {"q": [NUL_MESSAGE]}


# --- long request lines ------------------------------------------------------------------------


def test_every_gunicorn_we_start_lets_a_long_query_reach_the_application():
    """gunicorn's default request line (4,094 bytes) answered a 5,000-character search with
    its own HTML 414; at 8,190 the filter answers it with the API's JSON 400
    (reports/tests/test_bad_input.py). Every gunicorn command we ship says so."""
    root = Path(__file__).resolve().parent.parent
    commands = [
        line
        for name in ("docs/deployment.md", "bench/run.sh")
        for line in (root / name).read_text().replace("\\\n", " ").splitlines()
        if "`gunicorn " in line or 'bin/gunicorn" ' in line
    ]
    assert len(commands) == 3  # production's, the bench's and the bench's baseline
    for command in commands:
        assert "--limit-request-line 8190" in command, command
