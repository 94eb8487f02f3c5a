"""The notifications API: one's own list (paginated, unread filter), mark read, preferences."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from grid.tests.factories import api_token_for
from grid.tests.test_api import assert_json_error
from notifications.models import Notification, Preference
from notifications.services import notify

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
PREFERENCES = "/api/v1/notifications/preferences/"


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def _tell(user, n: int = 1, kind: str = "k") -> list[int]:
    for i in range(n):
        notify(recipient_ids=[user.pk], kind=kind, subject=f"YZ-{i}", text="t", url="/reports/1/")
    return sorted(
        Notification.objects.filter(recipient=user).values_list("pk", flat=True), reverse=True
    )


@pytest.mark.parametrize("rows", [2, 60])
def test_the_list_is_mine_newest_first_paginated(city, rows, django_assert_num_queries):
    admin = city.county_admin(0)
    ids = _tell(admin, rows)
    _tell(city.county_admin(1), 3)
    client = _client(admin)
    # token with person, count, rows (the token's last use was written when it was made)
    with django_assert_num_queries(3):
        response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == rows
    assert body["count_exact"] is True
    assert [r["id"] for r in body["results"]] == ids[:50]
    first = body["results"][0]
    assert first["kind"] == "k"
    assert first["label"] == "Something happened"
    assert (first["unread"], first["read_at"], first["urgent"]) == (True, None, False)
    assert first["url"] == "/reports/1/"
    assert (body["next"] is not None) == (rows > 50)


def test_the_unread_filter(city):
    admin = city.county_admin(0)
    ids = _tell(admin, 3)
    Notification.objects.filter(pk=ids[0]).update(read_at="2026-11-23T10:00+08:00")
    client = _client(admin)
    assert [r["id"] for r in client.get(LIST, {"unread": "true"}).json()["results"]] == ids[1:]
    assert len(client.get(LIST, {"unread": "false"}).json()["results"]) == 3
    body = assert_json_error(client.get(LIST, {"unread": "maybe"}), 400)
    assert "unread" in body["errors"]
    assert_json_error(client.get(LIST, {"page": 0}), 404)


def test_mark_one_read_and_all_read(city):
    admin = city.county_admin(0)
    ids = _tell(admin, 3)
    client = _client(admin)
    response = client.post(f"{LIST}{ids[0]}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    read_at = response.json()["read_at"]
    assert read_at
    again = client.post(f"{LIST}{ids[0]}/read/").json()
    assert again["read_at"] == read_at  # keeps its first reading time
    assert client.post(f"{LIST}read-all/").json() == {"marked": 2}
    assert client.post(f"{LIST}read-all/").json() == {"marked": 0}
    assert not Notification.objects.filter(read_at=None).exists()


def test_another_persons_notification_is_a_json_404(city):
    [pk] = _tell(city.county_admin(1))
    client = _client(city.county_admin(0))
    assert_json_error(client.post(f"{LIST}{pk}/read/"), 404)
    assert_json_error(client.post(f"{LIST}{10**30}/read/"), 404)
    assert_json_error(client.post(f"{LIST}abc/read/"), 404)
    assert Notification.objects.get(pk=pk).read_at is None


def test_signed_out_is_a_json_401(db):
    assert_json_error(APIClient().get(LIST), 401)
    assert_json_error(APIClient().get(PREFERENCES), 401)


def test_preferences_default_then_set(city):
    admin = city.county_admin(0)
    admin.email = "a@example.gov.cn"
    admin.save()
    client = _client(admin)
    body = client.get(PREFERENCES).json()
    assert body["email"] == "a@example.gov.cn"
    assert (body["email_on"], body["wecom_on"], body["digest"], body["language"]) == (
        False,
        False,
        False,
        "",
    )
    response = client.put(
        PREFERENCES,
        {
            "digest": True,
            "feishu_on": True,
            "feishu_url": "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
            "feishu_secret": "s",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["feishu_on"] is True
    preference = Preference.objects.get(user=admin)
    assert preference.channels() == ["feishu"]
    assert preference.digest
    # fields left out keep their value
    assert client.put(PREFERENCES, {"language": "en"}, format="json").json()["digest"] is True
    assert Preference.objects.get(user=admin).feishu_secret == "s"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"wecom_on": True}, "wecom_url"),
        ({"wecom_url": "https://10.0.0.1/hook"}, "wecom_url"),
        ({"dingtalk_url": "http://oapi.dingtalk.com/robot/send"}, "dingtalk_url"),
        ({"dingtalk_url": "not a url"}, "dingtalk_url"),
        ({"email": "nobody"}, "email"),
        ({"language": "fr"}, "language"),
        ({"digest": "perhaps"}, "digest"),
    ],
)
def test_preferences_refuse_what_they_cannot_use_as_json_400(city, payload, field):
    client = _client(city.county_admin(0))
    body = assert_json_error(client.put(PREFERENCES, payload, format="json"), 400)
    assert field in body["errors"]
    assert not Preference.objects.exists()


def test_the_api_is_in_the_schema(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/notifications/"]
    params = {p["name"] for p in paths["/api/v1/notifications/"]["get"]["parameters"]}
    assert {"unread", "page", "page_size"} <= params
    assert "post" in paths["/api/v1/notifications/{notification_id}/read/"]
    assert "post" in paths["/api/v1/notifications/read-all/"]
    assert {"get", "put"} <= set(paths["/api/v1/notifications/preferences/"])
    assert "400" in paths["/api/v1/notifications/preferences/"]["put"]["responses"]
