"""Panels other apps put on the case page (reports.case_panels), without reports knowing them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from grid.panels import Panel
from reports import case_panels
from reports.forms import EscalateForm
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def app_templates(settings, tmp_path):
    """Templates of a pretend app that adds to the case page."""
    folder = tmp_path / "caseapp"
    folder.mkdir()
    (folder / "_main.html").write_text(
        '<section data-testid="caseapp-main">{{ number }} read {{ reads }}x</section>'
    )
    (folder / "_actions.html").write_text(
        '<form data-testid="caseapp-action" method="post">{% csrf_token %}'
        '<input name="note" value="{{ typed|default:\'\' }}"></form>'
    )
    (folder / "_help.html").write_text('<p data-testid="caseapp-help">{{ field_id }}</p>')
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = [engine]
    return folder


def main_panel(request, now, page):
    reads = page.once("reads", lambda: object())
    again = page.once("reads", lambda: object())
    assert reads is again  # shared by the providers of one page
    return Panel("caseapp/_main.html", {"number": page.report.case_number, "reads": 1})


def actions_panel(request, now, page):
    retried = page.retried("caseapp")
    return Panel(
        "caseapp/_actions.html",
        {"opens_action": True, "typed": retried.get("caseapp-note") if retried else ""},
    )


def escalate_help(request, now, page, form):
    return Panel("caseapp/_help.html", {"field_id": form["reason"].auto_id})


@pytest.fixture
def registered(app_templates):
    case_panels.register_case_panel(main_panel, slot=case_panels.MAIN)
    case_panels.register_case_panel(actions_panel, slot=case_panels.ACTIONS)
    case_panels.register_action_help("escalate", escalate_help)
    yield
    for provider in (main_panel, actions_panel, escalate_help):
        case_panels.unregister(provider)


def test_panels_are_drawn_in_their_slots_and_help_inside_its_transitions_form(
    client, city, registered
):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(0))
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    main = html[html.index('class="rp-case-main"') : html.index('class="rp-case-actions"')]
    assert f'<section data-testid="caseapp-main">{report.case_number} read 1x</section>' in main
    aside = html[html.index('class="rp-case-actions"') : html.index('class="rp-case-history"')]
    assert aside.index('data-testid="caseapp-action"') < aside.index("rp-action-accept_local")
    escalate = aside[aside.index("rp-action-escalate") :]
    escalate = escalate[: escalate.index("</details>")]
    assert '<p data-testid="caseapp-help">id_escalate-reason</p>' in escalate
    # The other app offers the likely next step: none of the page's own opens by itself.
    assert not re.search(r'<details class="rp-action[^"]*" open>', aside)


def test_the_case_page_shows_no_panel_to_people_it_does_not_concern(client, city, registered):
    """A provider that answers None adds nothing (and the informant sees no actions)."""
    case_panels.unregister(actions_panel)
    informant = city.informant(0)
    report = submit(informant)
    client.force_login(informant)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "caseapp-action" not in html
    assert "Nothing for you to do on this case now." in html


def test_keep_typed_fills_a_fresh_form_with_what_was_posted_but_not_what_was_seen(city):
    report = submit(city.informant(0))
    posted = QueryDict(mutable=True)
    posted.update({"escalate-reason": "需市级协调", "escalate-expected_status": "closed"})
    form = case_panels.keep_typed(
        EscalateForm(report=report, user=city.county_admin(0), prefix="escalate"), posted
    )
    assert form.initial["reason"] == "需市级协调"
    assert form.initial["expected_status"] == report.status  # drawn afresh
    assert not form.is_bound


def test_a_transition_refused_for_the_state_keeps_what_was_typed(client, city):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(0))
    response = client.post(
        reverse("report-transition", args=[report.pk, "escalate"]),
        {"escalate-reason": "涉及市级部门，需协调", "escalate-expected_status": "local_handling"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "涉及市级部门，需协调</textarea>" in html
    assert re.search(r'<details class="rp-action rp-action-escalate" open>', html)


def test_reports_code_does_not_import_the_apps_above_it():
    reports = Path(django_settings.BASE_DIR) / "reports"
    for path in reports.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) (dispatch|duty|scorecards)\b", text, re.M), path
