"""What every page carries: the icon, and a way back to the site from the API docs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_link_our_svg_icon(client, city):
    html = client.get(reverse("login")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg" type="image/svg\+xml">', html)


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_api_docs_lead_back_to_the_site_without_a_cdn(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<a href="/" data-testid="back-to-site">.*Back to the site</a>', html)
    assert 'id="swagger-ui"' in html  # the package's page is still there
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html
