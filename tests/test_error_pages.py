"""The product's own 404 and 403 pages, also with DEBUG on (as under ``make run``)."""

from __future__ import annotations

import json

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import ProductNotFoundMiddleware
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.usefixtures("debug")
def test_a_case_outside_ones_jurisdiction_is_the_products_404_with_debug_on(client, city):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(1))
    response = client.get(reverse("report-detail", args=[report.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="not-found"' in html
    assert "outside your area of responsibility" in html
    assert "URLconf" not in html  # not Django's technical page with the URL patterns


@pytest.mark.usefixtures("debug")
def test_a_page_ones_role_may_not_open_is_the_products_403_with_debug_on(client, city):
    client.force_login(city.informant(0))
    response = client.get(reverse("report-queue"))
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()


@pytest.mark.usefixtures("debug")
def test_an_address_that_matches_nothing_keeps_the_technical_page_for_developers(client, city):
    client.force_login(city.county_admin(0))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_a_404_under_the_api_answers_json():
    request = RequestFactory().get("/api/v1/nothing/")
    response = ProductNotFoundMiddleware(lambda r: None).process_exception(request, Http404())
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "not_found"


def test_other_exceptions_pass_through():
    request = RequestFactory().get("/reports/1/")
    middleware = ProductNotFoundMiddleware(lambda r: None)
    assert middleware.process_exception(request, ValueError("boom")) is None
