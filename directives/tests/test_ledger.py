"""The key-matter ledger: a closed case stays followed (new reports of it link to it) until a
leader takes it off; who may do what; the page and the API in constant queries; the export."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directives.ledger import services
from directives.ledger.models import LedgerEntry, LedgerLink, LinkKind
from dispatch.tests import factories as f
from dispatch.tests.factories import api, make_cast
from reports.models import ReportEvent, Status
from reports.services import report_transition
from reports.tests.factories import submit

LINK = "https://weibo.com/1234/abcd"


@pytest.fixture
def cast(city):
    return make_cast(city)


def closed_locally(cast, **fields):
    """A case of county 0 handled by a township and closed."""
    report = submit(cast.reporter, **fields)
    township = next(u for u in cast.city.units if u.kind == "township")
    report_transition(
        report_id=report.pk, by=cast.admin, name="accept_local", data={"unit": township.pk}
    )
    report_transition(
        report_id=report.pk,
        by=cast.admin,
        name="close",
        data={"resolution": "已处置", "answered_via": "phone"},
    )
    report.refresh_from_db()
    return report


def put_on(cast, report, by=None, **data):
    body = {"reason": "反复出现的涉稳舆情", "next_follow_up": "2026-12-20"}
    body.update(data)
    return services.ledger_put_on(report_id=report.pk, by=by or cast.duty, data=body)


def test_the_ledger_keeps_a_closed_case_followed_until_a_leader_takes_it_off(cast):
    report = submit(cast.reporter, source_urls=[LINK])
    entry = put_on(cast, report)
    # the case closes: the matter stays on the ledger
    township = next(u for u in cast.city.units if u.kind == "township")
    report_transition(
        report_id=report.pk, by=cast.admin, name="accept_local", data={"unit": township.pk}
    )
    report_transition(
        report_id=report.pk,
        by=cast.admin,
        name="close",
        data={"resolution": "已处置", "answered_via": "phone"},
    )
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    body = api(cast.duty).get("/api/v1/ledger/").json()
    assert [r["id"] for r in body["results"]] == [entry.pk]
    # a new report of the same source, months later, links to it by itself
    later = submit(cast.city.informant(1), source_urls=[LINK], title="又有人转发")
    assert LedgerLink.objects.filter(entry=entry, report=later, kind=LinkKind.SAME_SOURCE).exists()
    assert ReportEvent.objects.filter(report=later, transition=services.LINKED).exists()
    row = api(cast.duty).get("/api/v1/ledger/").json()["results"][0]
    assert [c["case_number"] for c in row["cases"]] == [report.case_number, later.case_number]
    assert row["next_follow_up"] == "2026-12-20"
    # a follow-up moves the date
    services.ledger_follow_up(
        entry_id=entry.pk, by=cast.admin, data={"note": "仍有转发", "next_follow_up": "2027-01-05"}
    )
    entry.refresh_from_db()
    assert str(entry.next_follow_up) == "2027-01-05"
    # a leader takes it off with an assessment: it leaves the followed list
    services.ledger_take_off(entry_id=entry.pk, by=cast.leader, data={"assessment": "已平息"})
    assert api(cast.duty).get("/api/v1/ledger/").json()["results"] == []
    closed = api(cast.duty).get("/api/v1/ledger/", {"state": "closed"}).json()["results"]
    assert [(r["id"], r["assessment"], r["on_ledger"]) for r in closed] == [
        (entry.pk, "已平息", False)
    ]
    # and a report of the source now starts nothing
    third = submit(cast.city.informant(2), source_urls=[LINK], title="第三次")
    assert not LedgerLink.objects.filter(report=third).exists()


def test_a_duplicate_merged_into_a_followed_case_joins_the_matter(cast):
    original = f.escalated(cast)
    entry = put_on(cast, original)
    again = f.escalated(cast)
    report_transition(
        report_id=again.pk,
        by=cast.duty,
        name="reject",
        data={"kind": "duplicate", "duplicate_of": original.case_number, "reason": "重复"},
    )
    assert LedgerLink.objects.filter(entry=entry, report=again, kind=LinkKind.DUPLICATE).exists()


def test_who_may_do_what(cast):
    report = closed_locally(cast)
    # a county admin reads and follows up, but puts nothing on the ledger
    response = api(cast.admin).post(
        "/api/v1/ledger/", {"case": report.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 403
    # an admin of another county does not see the case: 404
    response = api(cast.other_admin).post(
        "/api/v1/ledger/", {"case": report.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    # bad input: 400 with the field
    response = api(cast.duty).post("/api/v1/ledger/", {"case": report.pk}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert api(cast.duty).post("/api/v1/ledger/", {"reason": "x"}, format="json").status_code == 400
    response = api(cast.leader).post(
        "/api/v1/ledger/", {"case": report.pk, "reason": "领导关注"}, format="json"
    )
    assert response.status_code == 201
    entry_id = response.json()["id"]
    # twice: 409
    response = api(cast.duty).post(
        "/api/v1/ledger/", {"case": report.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 409
    # the other county's admin sees neither the matter nor it in the list
    assert api(cast.other_admin).get(f"/api/v1/ledger/{entry_id}/").status_code == 404
    assert api(cast.other_admin).get("/api/v1/ledger/").json()["results"] == []
    # people of grid points and units: not their list
    assert api(cast.reporter).get("/api/v1/ledger/").status_code == 403
    assert api(cast.liaison).get("/api/v1/ledger/").status_code == 403
    # only a leader takes it off
    take_off = f"/api/v1/ledger/{entry_id}/take-off/"
    assert api(cast.duty).post(take_off, {"assessment": "x"}, format="json").status_code == 403
    assert api(cast.leader).post(take_off, {"assessment": ""}, format="json").status_code == 400
    assert api(cast.leader).post(take_off, {"assessment": "结"}, format="json").status_code == 200
    assert api(cast.leader).post(take_off, {"assessment": "结"}, format="json").status_code == 409
    follow = f"/api/v1/ledger/{entry_id}/follow-up/"
    assert api(cast.admin).post(follow, {"note": "x"}, format="json").status_code == 409
    # a bad county filter: 400
    response = api(cast.duty).get("/api/v1/ledger/", {"county": cast.city.city.pk})
    assert response.status_code == 400


def test_a_case_is_linked_by_hand(cast):
    entry = put_on(cast, closed_locally(cast))
    other = submit(cast.city.informant(1))
    url = f"/api/v1/ledger/{entry.pk}/links/"
    response = api(cast.duty).post(url, {"case": other.pk}, format="json")
    assert response.status_code == 201
    assert len(response.json()["cases"]) == 2
    assert api(cast.duty).post(url, {"case": other.pk}, format="json").status_code == 409


@pytest.mark.parametrize("rows", [1, 6])
def test_the_ledger_page_and_api_read_in_constant_queries(
    client, cast, rows, django_assert_num_queries
):
    for i in range(rows):
        entry = put_on(cast, closed_locally(cast, source_urls=[f"{LINK}/{i}"]))
        submit(cast.city.informant(1), source_urls=[f"{LINK}/{i}"])  # a second case each
    services.ledger_follow_up(entry_id=entry.pk, by=cast.duty, data={"note": "跟进"})
    client.force_login(cast.duty)
    url = reverse("ledger")
    client.get(url)
    # eight however many rows: the session, the person, the major-case banner, the counties,
    # the count, the rows (with their last movement), their cases and units, the access record
    with django_assert_num_queries(8):
        html = client.get(url).content.decode()
    assert html.count('data-testid="ledger-row"') == rows
    reader = api(cast.duty)
    reader.get("/api/v1/ledger/")
    # the token with its person, the count, the rows, their cases, the access record
    with django_assert_num_queries(5):
        body = reader.get("/api/v1/ledger/").json()
    assert len(body["results"]) == rows
    assert all(len(r["cases"]) == 2 for r in body["results"])


def test_the_page_per_county_and_the_export(client, cast):
    here = put_on(cast, closed_locally(cast), matter="某小区停水舆情")
    far = submit(cast.city.informant(5))  # county 1
    put_on(cast, far, matter="另一县的舆情")
    client.force_login(cast.duty)
    html = client.get(reverse("ledger"), {"county": cast.city.counties[0].pk})
    html = html.content.decode()
    assert "某小区停水舆情" in html
    assert "另一县的舆情" not in html
    response = client.get(reverse("ledger"), {"county": "x"})
    assert response.status_code == 400
    # the county admin reads their county's ledger only
    client.force_login(cast.admin)
    html = client.get(reverse("ledger")).content.decode()
    assert "某小区停水舆情" in html
    assert "另一县的舆情" not in html
    # the export: Chinese headers, the header frozen, columns as wide as their contents
    client.force_login(cast.duty)
    response = client.get(reverse("ledger-export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:7] == ["事项", "县", "关联案件", "单位", "列入时间", "最近动态", "下次跟进"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("某小区停水舆情") * 2
    matters = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert matters == {"某小区停水舆情", "另一县的舆情"}
    assert here.pk


def test_the_case_page_puts_it_on_the_ledger(client, cast):
    report = closed_locally(cast)
    client.force_login(cast.duty)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'data-testid="ledger-form"' in html
    url = reverse("ledger-put-on", args=[report.pk])
    response = client.post(url, {"ledger-put-on-reason": ""})
    assert response.status_code == 400
    response = client.post(
        url, {"ledger-put-on-reason": "领导关注", "ledger-put-on-matter": "停水"}
    )
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger-entry", args=[entry.pk])
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'data-testid="ledger-entry"' in html
    assert 'data-testid="ledger-form"' not in html
    # the leader takes it off from the matter's page
    client.force_login(cast.leader)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="take-off-form"' in page
    step = reverse("ledger-step", args=[entry.pk, "take-off"])
    assert client.post(step, {"take-off-assessment": ""}).status_code == 400
    assert client.post(step, {"take-off-assessment": "已平息"}).status_code == 302
    entry.refresh_from_db()
    assert entry.closed_at is not None
    assert timezone.now() - entry.closed_at < timedelta(minutes=1)
