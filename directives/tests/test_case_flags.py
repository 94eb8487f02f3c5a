"""Directives' panels on the case page ask for their rows only where the case has some: the
case's own query tells (case flags), so a case with no consultation, push or key matter costs
them no query; one with each shows it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.ledger import services as ledger
from dispatch.tests import factories as f
from dispatch.tests.factories import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(city):
    return make_cast(city)


def directives_reads(client, report) -> tuple[list[str], str]:
    """The queries of the case page that read directives' tables themselves (not the EXISTS
    of the case's own query), and the page."""
    url = reverse("report-detail", args=[report.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    own = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "directives_')]
    return own, html


def test_a_case_with_nothing_of_directives_costs_its_panels_no_query(client, cast):
    report = f.escalated(cast)
    client.force_login(cast.duty)
    own, html = directives_reads(client, report)
    assert own == []
    assert 'data-testid="ledger-entry"' not in html


def test_a_case_on_the_ledger_shows_it(client, cast):
    report = f.escalated(cast)
    ledger.ledger_put_on(
        report_id=report.pk, by=cast.duty, data={"matter": "某小区业主维权", "reason": "多次反映"}
    )
    client.force_login(cast.duty)
    own, html = directives_reads(client, report)
    assert len(own) == 1  # the key matters of the case, now that it has one
    assert 'data-testid="ledger-entry"' in html
    assert "某小区业主维权" in html
