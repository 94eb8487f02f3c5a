"""The notices API: scoped lists, issuing, detail with tracking counts, acknowledge and
report, refusals in the order 404, 409, 403, 400."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from directives.models import Notice, NoticeRecipient
from directives.services import notice_issue
from directives.tests.conftest import NOW, deadlines
from grid.tests.factories import api_token_for
from reports.tests.files import png

pytestmark = pytest.mark.django_db

API = "/api/v1/notices/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_of(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def issued(officer, city, **kw):
    values = {"title": "通知", "body": "内容", "regions": [city.counties[0]], **deadlines()}
    values.update(kw)
    return notice_issue(by=officer, now=NOW, **values)


def test_issue_through_the_api(city, officer, people):
    d = deadlines()
    response = client_of(officer).post(
        API,
        {
            "title": "关于开展隐患排查的指令",
            "body": "请于明日前完成排查。",
            "kind": "instruction",
            "regions": [city.counties[0].pk],
            "units": [city.units[0].pk],
            "ack_due_at": d["ack_due_at"].isoformat(),
            "needs_report": True,
            "report_due_at": d["report_due_at"].isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["recipient_count"] == 5
    assert body["tracking"] == {
        "total": 5,
        "acknowledged": 0,
        "acknowledged_late": 0,
        "reported": 0,
        "reported_late": 0,
        "late": 0,
        "forwarded": 0,
    }
    assert body["my_node"] is None


def test_issue_with_a_file_in_multipart(city, officer):
    d = deadlines()
    response = client_of(officer).post(
        API,
        {
            "title": "通知",
            "body": "内容",
            "regions": [city.townships[0].pk],
            "ack_due_at": d["ack_due_at"].isoformat(),
            "attachments": [SimpleUploadedFile("a.png", png(), content_type="image/png")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert [a["name"] for a in response.json()["attachments"]] == ["a.png"]


def test_issuing_refusals(city, officer, people):
    informants, _ = people
    # 403 before 400: an informant does not issue, whatever the body
    assert client_of(informants[0]).post(API, {}, format="json").status_code == 403
    # 400 for a region outside the county admin's jurisdiction, and for past deadlines
    admin = client_of(city.county_admin(0))
    outside = admin.post(
        API,
        {"title": "t", "body": "b", "regions": [city.counties[1].pk], **_iso(deadlines())},
        format="json",
    )
    assert outside.status_code == 400
    assert "regions" in outside.json()["errors"]
    past = client_of(officer).post(
        API,
        {
            "title": "t",
            "body": "b",
            "regions": [city.city.pk],
            "ack_due_at": (NOW - timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert past.status_code == 400
    assert "ack_due_at" in past.json()["errors"]
    assert not Notice.objects.exists()


def _iso(d):
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in d.items()}


def test_lists_are_scoped(city, officer, people, django_assert_num_queries):
    informants, _ = people
    notice = issued(officer, city)
    issued(officer, city, regions=[city.counties[1]])
    mine = client_of(informants[0])
    assert [n["id"] for n in mine.get(API).json()["results"]] == [notice.pk]
    assert client_of(informants[-1]).get(API).json()["count"] == 1
    officer_client = client_of(officer)
    officer_client.get(API)
    with django_assert_num_queries(3):
        assert officer_client.get(API, {"box": "issued"}).json()["count"] == 2
    assert officer_client.get(API, {"box": "nope"}).status_code == 400
    # a county admin of county 1 follows neither (issued by the city)
    assert client_of(city.county_admin(1)).get(API, {"box": "issued"}).json()["count"] == 0


def test_acknowledge_then_report_with_refusals_in_order(city, officer, people):
    informants, _ = people
    notice = issued(officer, city)
    url = f"{API}{notice.pk}/"
    me = client_of(informants[0])
    # 404: not my notice (the other county), or no such notice
    assert client_of(informants[-1]).post(f"{url}acknowledge/").status_code == 404
    assert me.post(f"{API}999999/acknowledge/").status_code == 404
    first = me.post(f"{url}acknowledge/")
    assert first.status_code == 200
    assert first.json()["my_node"]["acknowledged_at"] is not None
    assert first.json()["tracking"] is None
    # 409: the node already acknowledged (even for the other person of the same point)
    assert client_of(informants[1]).post(f"{url}acknowledge/").status_code == 409
    # 400: no text
    empty = me.post(f"{url}report/", {"text": ""}, format="json")
    assert empty.status_code == 400
    done = me.post(f"{url}report/", {"text": "已落实"}, format="json")
    assert done.status_code == 200
    # 409 before 400: reported already, even with a bad body
    assert me.post(f"{url}report/", {"text": ""}, format="json").status_code == 409
    detail = client_of(officer).get(url).json()
    assert (detail["tracking"]["acknowledged"], detail["tracking"]["reported"]) == (1, 1)


def test_a_notice_without_report_refuses_one_with_409(city, officer, people):
    informants, _ = people
    notice = issued(officer, city, needs_report=False, report_due_at=None)
    response = client_of(informants[0]).post(
        f"{API}{notice.pk}/report/", {"text": ""}, format="json"
    )
    assert response.status_code == 409


def test_the_nodes_of_a_notice(city, officer, people, django_assert_num_queries):
    informants, _ = people
    notice = issued(officer, city, regions=[city.city])
    client_of(informants[0]).post(f"{API}{notice.pk}/acknowledge/")
    officer_client = client_of(officer)
    url = f"{API}{notice.pk}/nodes/"
    officer_client.get(url)
    # token, person, notice, count, the page's ids, its rows with their names
    with django_assert_num_queries(6):
        rows = officer_client.get(url, {"state": "outstanding"}).json()
    assert rows["count"] == 8
    later = notice.ack_due_at + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        late = officer_client.get(url, {"state": "late"}).json()
    assert late["count"] == 7
    assert {r["kind"] for r in late["results"]} == {"grid_point"}
    assert officer_client.get(url, {"state": "x"}).status_code == 400
    assert client_of(informants[0]).get(url).status_code == 404
    assert NoticeRecipient.objects.filter(notice=notice).count() == 8
