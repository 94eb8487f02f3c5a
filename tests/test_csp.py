"""Content-Security-Policy: every page runs only our own files; downloads run nothing.

The browser tests (tests/browser) fail on any policy violation in the console, so the pages
are shown to work under it; here the headers and the templates are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.csp import ContentSecurityPolicyMiddleware, content_security_policy, policy_text
from grid.models import Role
from grid.tests.factories import UserFactory
from reports.tests import files
from reports.tests.factories import submit

POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_the_policy_reads_as_configured():
    assert policy_text({"default-src": ["'none'"], "sandbox": []}) == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_every_page_carries_the_policy(client, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert client.get(reverse("login"))["Content-Security-Policy"] == POLICY
    informant = city.informant(0)
    shot = SimpleUploadedFile("s.png", files.png(), content_type="image/png")
    report = submit(informant, attachments=[shot])
    client.force_login(informant)
    for url in (
        reverse("home"),
        reverse("report-new"),
        reverse("report-mine"),
        reverse("report-detail", args=[report.pk]),
        "/no/such/page/",
        reverse("reports_api:report-list"),
    ):
        response = client.get(url)
        assert response["Content-Security-Policy"] == POLICY, url
    client.force_login(city.county_admin(0))
    assert client.get(reverse("report-queue"))["Content-Security-Policy"] == POLICY
    client.force_login(UserFactory(role=Role.SYS_ADMIN, region=city.city, is_staff=True))
    assert client.get(reverse("grid-import"))["Content-Security-Policy"] == POLICY


@pytest.mark.django_db
def test_swagger_ui_needs_no_inline_script(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src" not in policy  # scripts: default-src 'self'
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all("src=" in attrs for attrs in scripts)
    assert "cdn" not in html.lower()
    init = client.get(reverse("api-docs"), {"script": ""})
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


TEMPLATE_NAMES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_templates_hold_nothing_the_policy_would_block(name):
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    text = re.sub(r"\{#.*?#\}", "", text)  # one line only, as Django reads them
    assert "{#" not in text, "a {# comment #} ends on its line: use {% comment %}"
    assert "<style" not in text, "move it to a file under static/css/"
    assert not re.search(r"\sstyle=", text), "use a class from static/css/"
    assert not re.search(r"\son[a-z]+=", text), "add the listener in a file under static/js/"
    inline = [a for a in re.findall(r"<script([^>]*)>", text) if "src=" not in a]
    assert not inline, "move the script to a file under static/js/"


def test_a_view_may_send_its_own_policy_and_the_middleware_keeps_it(settings):
    request = RequestFactory().get("/")

    def download(request):
        response = HttpResponse(b"x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    assert ContentSecurityPolicyMiddleware(download)(request)["Content-Security-Policy"] == (
        "default-src 'none'; sandbox"
    )
    loose = content_security_policy(img_src=["*"])(lambda request: HttpResponse())
    assert "img-src *;" in loose(request)["Content-Security-Policy"]


def test_report_only_mode_reports_without_blocking(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = True
    response = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())(
        RequestFactory().get("/")
    )
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == POLICY
