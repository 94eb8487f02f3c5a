"""The quarterly summary: the quarter's closed months added up per node (counts summed, rates
from the summed counts, medians left out), ranked, scoped; as a page and a spreadsheet."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grid.models import Role
from grid.tests.factories import UserFactory
from grid.workdays import SHANGHAI
from scorecards.exports.periods import Quarter
from scorecards.exports.quarter import quarter_summary
from scorecards.months import Month
from scorecards.services import month_close
from scorecards.tests.scenario import CLOSE_AT, MONTH, build_november

pytestmark = pytest.mark.django_db
Q4 = Quarter(2026, 4)


@pytest.fixture
def closed(city):
    november = build_november(city)
    # October holds G only (county 1, filed on the 31st at 23:00, never handled).
    month_close(month=Month(2026, 10), now=datetime(2026, 11, 1, 1, 10, tzinfo=SHANGHAI))
    month_close(month=MONTH, now=CLOSE_AT)
    return november


def test_quarters_parse_and_bound():
    assert Quarter.parse("2026-q4") == Q4
    assert [str(m) for m in Q4.months] == ["2026-10", "2026-11", "2026-12"]
    assert (str(Q4.first_day), str(Q4.last_day)) == ("2026-10-01", "2026-12-31")
    assert str(Quarter(2026, 1).previous()) == "2025-Q4"
    for bad in ("2026-Q0", "2026-Q5", "26-Q1", "2026Q1", ""):
        with pytest.raises(ValueError, match=f"^{re.escape(bad)}$"):
            Quarter.parse(bad)


def test_counts_add_up_and_rates_come_from_the_sums(city, closed, django_assert_num_queries):
    leader = city.city_user(Role.LEADER)
    with django_assert_num_queries(2):  # the months, the rows grouped by node
        summary = quarter_summary(user=leader, quarter=Q4, level="county")
    assert [s.month.month for s in summary.snapshots] == [10, 11]
    assert summary.missing_months == ["2026-12"]
    assert "close_hours" not in summary.columns  # a median does not add up
    by_name = {r.name: r for r in summary.rows}
    first, second = by_name["第1区"], by_name["第2区"]
    # County 0: November's 5 filed, 4 valid, 3 handled, 2 closed; October nothing.
    assert (first.figures["filed"], first.figures["valid"]) == (5, 4)
    assert (first.figures["handled"], first.figures["closed"]) == (3, 2)
    assert first.figures["completion_rate"] == 0.6667  # 2 / 3
    # County 1: November's F and H, and October's G.
    assert (second.figures["filed"], second.figures["valid"], second.figures["handled"]) == (
        3,
        3,
        1,
    )
    assert second.figures["completion_rate"] == 0.0  # 0 / 1
    assert (first.months, second.months) == (2, 2)
    # Ranked by the average score: October 100 for both (no deductions), November 89.5 and 87
    # (scenario_duty's counties).
    assert summary.ranked_by == "score"
    assert (first.score, second.score) == (94.75, 93.5)
    assert [(r.rank, r.name) for r in summary.rows] == [(1, "第1区"), (2, "第2区")]
    # As in the monthly bulletin: the first three praised, the last three of the rest criticised.
    assert [r.name for r in summary.praised] == ["第1区", "第2区"]
    assert summary.criticised == []


def test_a_county_leader_sees_their_county_only(city, closed):
    leader = UserFactory(role=Role.LEADER, region=city.counties[1])
    summary = quarter_summary(user=leader, quarter=Q4, level="township")
    assert {r.name for r in summary.rows} == {"第2区1镇", "第2区2镇"}


def test_the_spreadsheet(client, city, closed):
    client.force_login(city.city_user(Role.LEADER))
    response = client.get(reverse("scorecards-quarter-xlsx", args=["2026-Q4"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["County", "Township", "Grid point", "Unit"]
    sheet = book["County"]
    assert sheet.freeze_panes == "C2"
    assert sheet["A1"].font.b
    header = [c.value for c in sheet[1]]
    assert header[:6] == [
        "Rank",
        "Assessed",
        "Within",
        "Months assessed",
        "Average score",
        "Reports filed",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[:6] for r in rows] == [
        [1, "第1区", "测试市", 2, 94.75, 5],
        [2, "第2区", "测试市", 2, 93.5, 3],
    ]
    rate = sheet.cell(row=2, column=header.index("Completion rate") + 1)
    assert (rate.value, rate.number_format) == (0.6667, "0.0%")
    assert sheet.column_dimensions["D"].width >= len("Months assessed")


def test_the_printable_page(client, city, closed, django_assert_num_queries):
    client.force_login(city.city_user(Role.LEADER))
    url = reverse("scorecards-quarter", args=["2026-Q4"])
    # session, person, region (the ranking level), the months, the rows
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "第1区" in html
    assert "2026-12" in html  # said not to be closed yet
    assert reverse("scorecards-quarter-xlsx", args=["2026-Q4"]) in html
    assert client.get(reverse("scorecards-quarter", args=["2027-Q1"])).status_code == 404
    assert client.get(reverse("scorecards-quarter", args=["2026-Q9"])).status_code == 404


def test_the_summary_is_for_scorecard_viewers(client, city, closed):
    client.force_login(city.informant(0))
    assert client.get(reverse("scorecards-quarter", args=["2026-Q4"])).status_code == 403
