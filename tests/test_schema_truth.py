"""The OpenAPI schema says what the API answers: blank choices, every error status it gives."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from grid.models import Role
from grid.tests.factories import UserFactory, api_token_for
from grid.tests.test_api import assert_json_error
from reports.tests import files
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db) -> dict:
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def _enum_of(schema: dict, prop: dict) -> set:
    """Every value a property's schema admits (through its refs and oneOf/allOf)."""
    values = set(prop.get("enum", []))
    for key in ("oneOf", "allOf", "anyOf"):
        for sub in prop.get(key, []):
            values |= _enum_of(schema, sub)
    if "$ref" in prop:
        values |= _enum_of(schema, schema["components"]["schemas"][prop["$ref"].split("/")[-1]])
    return values


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ReportList", "grade"),
        ("ReportDetail", "grade"),
        ("ReportDetail", "reject_kind"),
        ("Me", "role"),
    ],
)
def test_a_choice_that_may_be_blank_has_blank_in_its_enum(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]
    assert "" in _enum_of(schema, prop)


def test_a_choice_that_is_never_blank_does_not(schema):
    prop = schema["components"]["schemas"]["ReportList"]["properties"]["suggested_grade"]
    assert "" not in _enum_of(schema, prop)


def test_every_paginated_list_documents_404_for_a_page_it_does_not_have(schema, city):
    def client_of(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
        return client

    admin = client_of(city.county_admin(0))
    # The lists that are some role's own: asked by that role.
    own = {
        "/api/v1/dispatch/console/": client_of(city.city_user(Role.DUTY_OFFICER)),
        "/api/v1/dispatch/inbox/": client_of(
            UserFactory(role=Role.UNIT_LIAISON, region=city.counties[0], unit=city.units[0])
        ),
    }
    lists = [
        path
        for path, operations in schema["paths"].items()
        if "get" in operations
        and any(p["name"] == "page" for p in operations["get"].get("parameters", []))
    ]
    assert len(lists) == 24
    for path in lists:
        assert "404" in schema["paths"][path]["get"]["responses"], path
        assert_json_error(own.get(path, admin).get(path, {"page": 0}), 404)


def test_the_sign_in_throttle_is_documented(schema):
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in responses


def test_attachment_errors_are_the_documented_list_of_strings(schema, city):
    errors = schema["components"]["schemas"]["Error"]["properties"]["errors"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(city.informant(0))}")
    response = client.post(
        "/api/v1/reports/",
        {
            "title": "t",
            "body": "b",
            "category": "rumour",
            "source_platform": "weibo",
            "attachments": [
                SimpleUploadedFile("a.png", b"not an image", content_type="image/png"),
                SimpleUploadedFile("b.jpg", files.truncated_jpeg(), content_type="image/jpeg"),
            ],
        },
        format="multipart",
    )
    body = assert_json_error(response, 400)
    assert isinstance(body["errors"]["attachments"], list)
    assert len(body["errors"]["attachments"]) == 2
    assert all(isinstance(m, str) for m in body["errors"]["attachments"])


def test_blank_grade_and_reject_kind_are_what_the_api_answers(city):
    report = submit(city.informant(0))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(city.county_admin(0))}")
    data = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert (data["grade"], data["reject_kind"]) == ("", "")
