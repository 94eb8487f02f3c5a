"""The pushes through the API: issuing one linked to a report, forwarding once with a
screenshot, the coverage for those who follow it only; all in the schema."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from directives.models import NoticeForward
from directives.services import notice_issue
from directives.tests.conftest import NOW
from directives.tests.test_api import client_of
from reports.tests.factories import submit
from reports.tests.files import png

pytestmark = pytest.mark.django_db

API = "/api/v1/notices/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def pushed(officer, regions, **kw):
    return notice_issue(
        by=officer,
        now=NOW,
        kind="statement",
        title="权威发布",
        body="情况通报",
        share_text="【权威发布】……",
        regions=regions,
        **kw,
    )


def test_issue_a_refutation_linked_to_a_report(city, officer, people):
    informants, _ = people
    report = submit(informants[0])
    response = client_of(officer).post(
        API,
        {
            "kind": "refutation",
            "title": "辟谣",
            "body": "经核实不实。",
            "share_link": "https://example.com/r",
            "reports": [report.pk],
            "regions": [city.counties[0].pk],
            "needs_ack": False,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "refutation"
    assert body["share_link"] == "https://example.com/r"
    assert body["tracking"]["forwarded"] == 0
    # a report of another city is no choice
    bad = client_of(officer).post(
        API,
        {
            "kind": "refutation",
            "title": "辟谣",
            "body": "x",
            "share_text": "x",
            "reports": [999999],
            "regions": [city.counties[0].pk],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "reports" in bad.json()["errors"]


def test_forward_once_with_a_screenshot_then_409(city, officer, people):
    informants, _ = people
    notice = pushed(officer, [city.counties[0]])
    url = f"{API}{notice.pk}/forward/"
    shot = SimpleUploadedFile("s.png", png(), content_type="image/png")
    response = client_of(informants[0]).post(
        url, {"platform": "wechat_group", "place": "村民群", "screenshot": shot}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    mine = response.json()["my_node"]["forward"]
    assert mine["place"] == "村民群"
    assert mine["screenshot_url"].endswith(
        f"/nodes/{NoticeForward.objects.get().recipient_id}/screenshot/"
    )
    again = client_of(informants[1]).post(
        url, {"platform": "weibo", "place": "另一个"}, format="json"
    )
    assert again.status_code == 409
    assert NoticeForward.objects.count() == 1


def test_forward_refusals_404_before_400(city, officer, people):
    informants, _ = people
    notice = pushed(officer, [city.counties[0]])
    url = f"{API}{notice.pk}/forward/"
    outsider = client_of(informants[8])  # county 1
    assert outsider.post(url, {"platform": "bogus"}, format="json").status_code == 404
    refused = client_of(informants[0]).post(url, {"platform": "bogus", "place": ""}, format="json")
    assert refused.status_code == 400
    assert {"platform", "place"} <= set(refused.json()["errors"])
    text = SimpleUploadedFile("s.png", b"plain text", content_type="image/png")
    refused = client_of(informants[0]).post(
        url, {"platform": "qq_group", "place": "群", "screenshot": text}, format="multipart"
    )
    assert refused.status_code == 400
    assert "screenshot" in refused.json()["errors"]
    assert not NoticeForward.objects.exists()


def test_coverage_by_county_then_township_for_followers_only(city, officer, people):
    informants, _ = people
    notice = pushed(officer, [city.city])
    for who in (informants[0], informants[4], informants[8]):
        client_of(who).post(
            f"{API}{notice.pk}/forward/", {"platform": "weibo", "place": "号"}, format="json"
        )
    url = f"{API}{notice.pk}/coverage/"
    counties = client_of(officer).get(url).json()
    assert [(r["name"], r["total"], r["forwarded"], r["share"]) for r in counties["results"]] == [
        ("第1区", 4, 2, 50),
        ("第2区", 4, 1, 25),
    ]
    townships = client_of(officer).get(url, {"county": city.counties[0].pk}).json()
    assert [(r["name"], r["forwarded"]) for r in townships["results"]] == [
        ("第1区1镇", 1),
        ("第1区2镇", 1),
    ]
    assert client_of(officer).get(url, {"county": "x"}).status_code == 400
    # scoped: a recipient and a county admin below the issuer do not follow it
    assert client_of(informants[0]).get(url).status_code == 404
    assert client_of(city.county_admin(0)).get(url).status_code == 404
    # an ordinary notice has no coverage
    ordinary = notice_issue(
        by=officer,
        now=NOW,
        title="通知",
        body="内容",
        regions=[city.counties[0]],
        ack_due_at=NOW + timedelta(hours=1),
    )
    assert client_of(officer).get(f"{API}{ordinary.pk}/coverage/").status_code == 404


def test_the_push_endpoints_are_in_the_schema(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    forward = paths["/api/v1/notices/{id}/forward/"]["post"]
    assert {"200", "400", "404", "409"} <= set(forward["responses"])
    assert "multipart/form-data" in forward["requestBody"]["content"]
    coverage = paths["/api/v1/notices/{id}/coverage/"]["get"]
    assert "county" in {p["name"] for p in coverage["parameters"]}
    create = schema["components"]["schemas"]["DirectiveNoticeCreateRequest"]["properties"]
    assert {"share_text", "share_link", "reports", "relayed_from", "relayed_received_at"} <= set(
        create
    )
