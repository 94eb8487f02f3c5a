"""The bell, the list page (mark one / all read, with htmx and without) and the preferences."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notifications.bell import BELL_CAP
from notifications.models import Notification, Preference
from notifications.services import notify

pytestmark = pytest.mark.django_db


def _tell(user, n: int = 1, **kw) -> list[int]:
    for i in range(n):
        notify(recipient_ids=[user.pk], kind="k", subject=f"YZ-{i}", text=f"标题{i}", **kw)
    return list(Notification.objects.filter(recipient=user).values_list("pk", flat=True))


def _bell(html: str) -> str:
    match = re.search(r'<a class="bell[^"]*" id="bell".*?</a>', html, re.S)
    assert match, "no bell"
    return match.group(0)


def _bell_count(html: str) -> str | None:
    match = re.search(r'data-testid="bell-count">([^<]*)<', _bell(html))
    return match.group(1) if match else None


def test_the_bell_shows_the_unread_count_on_every_page(client, city):
    admin = city.county_admin(0)
    _tell(admin, 3)
    _tell(city.county_admin(1), 5)  # someone else's
    Notification.objects.filter(recipient=admin).order_by("id").first()
    client.force_login(admin)
    for name in ("home", "report-queue", "account-tokens", "notification-list"):
        html = client.get(reverse(name)).content.decode()
        assert _bell_count(html) == "3", name
    Notification.objects.filter(recipient=admin).update(read_at="2026-11-23T10:00+08:00")
    assert _bell_count(client.get(reverse("home")).content.decode()) is None


def test_the_bell_stops_counting_past_its_cap(client, city):
    admin = city.county_admin(0)
    Notification.objects.bulk_create(
        Notification(recipient=admin, kind="k", subject=str(i)) for i in range(BELL_CAP + 5)
    )
    client.force_login(admin)
    assert _bell_count(client.get(reverse("home")).content.decode()) == f"{BELL_CAP}+"


def test_the_bell_costs_no_query_of_its_own(client, city, django_assert_num_queries):
    # The home page's pinned count (grid/tests/test_pages.py) holds with the bell: its count
    # comes with the signed-in person. The API token list page: session, person, tokens.
    admin = city.county_admin(0)
    _tell(admin, 2)
    client.force_login(admin)
    with django_assert_num_queries(3):
        html = client.get(reverse("account-tokens")).content.decode()
    assert _bell_count(html) == "2"


@pytest.mark.parametrize("rows", [3, 45])
def test_the_list_is_newest_first_paginated_with_unread_marked(
    client, city, rows, django_assert_num_queries
):
    admin = city.county_admin(0)
    ids = _tell(admin, rows, url="/reports/1/")
    Notification.objects.filter(pk=min(ids)).update(read_at="2026-11-23T10:00+08:00")
    client.force_login(admin)
    # session, person (with the bell's count), the list's count, its rows: 4 whatever the size
    with django_assert_num_queries(4):
        response = client.get(reverse("notification-list"))
    html = response.content.decode()
    shown = re.findall(r'id="notification-(\d+)"', html)
    assert len(shown) == min(rows, 20)
    assert [int(pk) for pk in shown] == sorted(ids, reverse=True)[:20]
    assert html.count('data-unread="true"') == min(rows, 20) - (1 if rows <= 20 else 0)
    assert "Something happened" in html  # the kind's label
    assert 'href="/reports/1/"' in html
    if rows > 20:
        assert 'rel="next"' in html
        page2 = client.get(reverse("notification-list"), {"page": 2}).content.decode()
        assert len(re.findall(r'id="notification-(\d+)"', page2)) == 20


def test_the_unread_filter_and_a_bad_value(client, city):
    admin = city.county_admin(0)
    ids = _tell(admin, 3)
    Notification.objects.filter(pk=ids[0]).update(read_at="2026-11-23T10:00+08:00")
    client.force_login(admin)
    html = client.get(reverse("notification-list"), {"unread": "true"}).content.decode()
    assert len(re.findall(r'id="notification-(\d+)"', html)) == 2
    assert client.get(reverse("notification-list"), {"unread": "maybe"}).status_code == 400


def test_marking_one_read_with_htmx_swaps_the_row_and_the_bell(client, city):
    admin = city.county_admin(0)
    ids = _tell(admin, 2)
    client.force_login(admin)
    response = client.post(reverse("notification-read", args=[ids[0]]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{ids[0]}"' in html
    assert 'data-unread="true"' not in html
    assert 'hx-swap-oob="true"' in _bell(html)
    assert _bell_count(html) == "1"
    assert Notification.objects.get(pk=ids[0]).read_at is not None
    assert Notification.objects.get(pk=ids[1]).read_at is None


def test_marking_one_read_without_script_goes_back_to_the_list(client, city):
    admin = city.county_admin(0)
    [pk] = _tell(admin)
    client.force_login(admin)
    response = client.post(
        reverse("notification-read", args=[pk]), {"next": "/notifications/?page=2"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"
    evil = client.post(reverse("notification-read", args=[pk]), {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("notification-list")


def test_another_persons_notification_is_a_404(client, city):
    [pk] = _tell(city.county_admin(1))
    client.force_login(city.county_admin(0))
    assert client.post(reverse("notification-read", args=[pk])).status_code == 404
    assert client.post(reverse("notification-read", args=[10**30])).status_code == 404
    assert Notification.objects.get(pk=pk).read_at is None


def test_mark_all_read(client, city):
    admin, other = city.county_admin(0), city.county_admin(1)
    _tell(admin, 3)
    _tell(other, 2)
    client.force_login(admin)
    response = client.post(reverse("notification-read-all"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-unread="true"' not in html
    assert _bell_count(html) is None
    assert not Notification.objects.filter(recipient=admin, read_at=None).exists()
    assert Notification.objects.filter(recipient=other, read_at=None).count() == 2
    # without script: back to the list with a message
    _tell(admin, 1)
    response = client.post(reverse("notification-read-all"), follow=True)
    assert "All notifications are marked read (1)." in response.content.decode()


def test_pages_need_sign_in_and_mark_needs_post(client, city):
    assert client.get(reverse("notification-list")).status_code == 302
    assert client.get(reverse("notification-preferences")).status_code == 302
    client.force_login(city.county_admin(0))
    assert client.get(reverse("notification-read-all")).status_code == 405


def test_the_pages_have_no_inline_script_or_style(client, city):
    admin = city.county_admin(0)
    _tell(admin, 2)
    client.force_login(admin)
    for name in ("notification-list", "notification-preferences"):
        html = client.get(reverse(name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), name
        assert " style=" not in html, name
        assert "<style" not in html, name


# --- preferences ---------------------------------------------------------------------------------


def test_preferences_page_offers_the_account_email_then_saves(client, city, settings):
    admin = city.county_admin(0)
    admin.email = "admin@example.gov.cn"
    admin.save()
    client.force_login(admin)
    html = client.get(reverse("notification-preferences")).content.decode()
    assert 'value="admin@example.gov.cn"' in html
    response = client.post(
        reverse("notification-preferences"),
        {
            "language": "en",
            "digest": "on",
            "email_on": "on",
            "email": "admin@example.gov.cn",
            "dingtalk_on": "on",
            "dingtalk_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "dingtalk_secret": "SEC123",
        },
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=admin)
    assert preference.channels() == ["email", "dingtalk"]
    assert (preference.digest, preference.language, preference.dingtalk_secret) == (
        True,
        "en",
        "SEC123",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"wecom_on": "on"}, "wecom_url", "Give the address of a channel you turn on."),
        (
            {"wecom_on": "on", "wecom_url": "https://169.254.169.254/latest/meta-data"},
            "wecom_url",
            "Only these robot hosts are allowed",
        ),
        (
            {"feishu_on": "on", "feishu_url": "http://open.feishu.cn/open-apis/bot/v2/hook/x"},
            "feishu_url",
            "must start with https://",
        ),
        (
            {"wecom_url": "https://qyapi.weixin.qq.com@evil.example/cgi-bin/webhook/send"},
            "wecom_url",
            "may not contain a user name or password",
        ),
    ],
)
def test_preferences_page_refuses_what_it_cannot_use(client, city, data, field, message):
    client.force_login(city.county_admin(0))
    response = client.post(reverse("notification-preferences"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Preference.objects.exists()
