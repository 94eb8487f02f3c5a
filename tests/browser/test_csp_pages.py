"""The pages work under the Content-Security-Policy (config.csp): the scripts they need run from
our static files, images show, Swagger UI draws the API. Any violation fails the test (see
``csp_violations`` in conftest.py).

Screenshots of the case page with an image and of /api/docs/ at 360 and 1440 px wide are
written to ``screenshots/csp-*.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from demo_people import log_in
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Report
from reports.tests import files
from reports.tests.factories import submit

pytestmark = pytest.mark.browser

SHOTS = Path("screenshots")
WIDTHS = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        page.screenshot(path=str(SHOTS / f"csp-{name}-{size['width']}.png"), full_page=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_case_page_shows_a_verified_image_and_offers_the_pdf(
    page, live_server, demo_users, media
):
    informant = demo_users.users["demo-informant"]
    report = submit(
        informant,
        title="网传某村自来水停供三天无人处理",
        attachments=[
            SimpleUploadedFile("截图.png", files.png((320, 200), (29, 95, 209))),
            SimpleUploadedFile("通知.pdf", files.pdf()),
        ],
    )
    log_in(page, live_server.url, "demo-informant")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.wait_for_function(
        "() => { const i = document.querySelector('.rp-attachments img');"
        " return i && i.complete && i.naturalWidth === 320; }"
    )
    assert page.locator(".rp-attachments img").count() == 1
    assert page.locator(".rp-attachments a[download='通知.pdf']").count() == 1
    shoot(page, "case-image")


def test_the_intake_form_guards_against_a_double_tap(page, live_server, demo_users, media):
    log_in(page, live_server.url, "demo-informant")
    page.goto(f"{live_server.url}/reports/new/")
    page.fill("#id_title", "网传某村道路塌陷")
    page.fill("#id_body", "需要核实。")
    shot = {"name": "s.png", "mimeType": "image/png", "buffer": files.png((40, 30))}
    page.set_input_files("#id_attachments", files=[shot])
    # The form's script (static/js/report-new.js) lets one submission through, not two.
    first, second = page.evaluate(
        "() => { const f = document.getElementById('intake-form');"
        " const send = () => f.dispatchEvent(new Event('submit', {cancelable: true}));"
        " return [send(), send()]; }"
    )
    assert (first, second) == (True, False)
    assert page.get_attribute("#intake-form button[type=submit]", "aria-busy") == "true"
    page.evaluate(
        "() => { const f = document.getElementById('intake-form'); delete f.dataset.sent;"
        " f.querySelector('button[type=submit]').removeAttribute('aria-busy'); }"
    )
    page.click("#intake-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert Report.objects.count() == 1
    assert Report.objects.get().attachments.get().width == 40


def test_the_language_switch_and_htmx_work(page, live_server, demo_users):
    informant = demo_users.users["demo-informant"]
    wanted = submit(informant, title="网传某村道路塌陷")
    submit(informant, title="网传某小区停电")
    log_in(page, live_server.url, "demo-county-admin")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.click("form.lang button[value=en]")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    # htmx: the queue's filters swap the list in place and push the URL.
    page.goto(f"{live_server.url}/reports/queue/")
    assert page.locator("#queue-list tbody tr").count() == 2
    page.fill("input[name=q]", wanted.case_number)
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=YZ-"))
    page.wait_for_function("() => document.querySelectorAll('#queue-list tbody tr').length === 1")


def test_the_queues_select_all_runs_from_our_static_file(page, live_server, demo_users):
    informant = demo_users.users["demo-informant"]
    for i in range(3):
        submit(informant, title=f"网传{i}号小区停电")
    log_in(page, live_server.url, "demo-county-admin")
    page.goto(f"{live_server.url}/reports/queue/")
    page.check("[data-select-all]")
    assert page.locator("#queue-list input[name=ids]:checked").count() == 3
    # It survives an htmx swap of the list (the listener is delegated).
    page.select_option("select[name=sort]", index=1)
    page.wait_for_url(re.compile(r"sort="))
    page.wait_for_function(
        "() => document.querySelectorAll('#queue-list input[name=ids]:checked').length === 0"
    )
    page.check("[data-select-all]")
    assert page.locator("#queue-list input[name=ids]:checked").count() == 3


def test_swagger_ui_draws_the_api_from_our_own_files(page, live_server, demo_users):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, live_server.url, "demo-county-admin")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    page.locator(".opblock-tag", has_text="reports").first.wait_for()
    shoot(page, "api-docs")
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests)


def test_the_admin_works_under_the_policy(page, live_server, demo_users):
    log_in(page, live_server.url, "demo-admin")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#content-main")
    page.goto(f"{live_server.url}/admin/grid/user/")
    page.wait_for_selector("#result_list")
