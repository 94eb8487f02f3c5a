"""Delivery: each person's channels get one message per notification, each try recorded;
failures retried with backoff, then given up; digests; nothing sent twice."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from grid.models import User
from notifications.delivery import digests_send, notifications_drain, retry_pause
from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, Notification
from notifications.services import notify
from notifications.tests.factories import prefer

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 11, 23, 10, 0))


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_SITE_URL = "https://grid.example.gov.cn"


def _tell(user, kind="k", **kw):
    defaults = {"subject": "YZ-20261123-0001", "text": "网传某村道路塌陷", "url": "/reports/1/"}
    return notify(recipient_ids=[user.pk], kind=kind, **{**defaults, **kw})


# --- each channel's shape -----------------------------------------------------------------------


def test_a_wecom_robot_gets_a_text_message(city, robot):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url("/cgi-bin/webhook/send?key=abc"))
    _tell(admin)
    result = notifications_drain()
    assert (result.handed_over, result.sent) == (1, 1)
    [request] = robot.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["headers"]["Content-Type"].startswith("application/json")
    body = request["json"]
    assert body["msgtype"] == "text"
    content = body["text"]["content"]
    assert "YZ-20261123-0001" in content
    assert "网传某村道路塌陷" in content
    assert "https://grid.example.gov.cn/reports/1/" in content


def test_a_dingtalk_robot_gets_its_shape_signed_with_the_secret(city, robot):
    admin = city.county_admin(0)
    prefer(admin, dingtalk_url=robot.url("/robot/send?access_token=t"), dingtalk_secret="SECabc")
    _tell(admin)
    with time_machine.travel(START, tick=False):
        notifications_drain()
    [request] = robot.requests
    assert request["json"]["msgtype"] == "text"
    assert "YZ-20261123-0001" in request["json"]["text"]["content"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["access_token"] == ["t"]
    stamp = query["timestamp"][0]
    assert stamp == str(int(START.timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{stamp}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]


def test_a_dingtalk_robot_without_a_secret_is_not_signed(city, robot):
    admin = city.county_admin(0)
    prefer(admin, dingtalk_url=robot.url("/robot/send?access_token=t"))
    _tell(admin)
    notifications_drain()
    assert robot.requests[0]["path"] == "/robot/send?access_token=t"


def test_a_feishu_robot_gets_its_shape_signed_with_the_secret(city, robot):
    robot.answer = {"code": 0, "msg": "success"}
    admin = city.county_admin(0)
    prefer(admin, feishu_url=robot.url("/open-apis/bot/v2/hook/x"), feishu_secret="s3cret")
    _tell(admin)
    with time_machine.travel(START, tick=False):
        notifications_drain()
    [request] = robot.requests
    body = request["json"]
    assert body["msg_type"] == "text"
    assert "YZ-20261123-0001" in body["content"]["text"]
    assert body["timestamp"] == str(int(START.timestamp()))
    key = f"{body['timestamp']}\ns3cret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_email_goes_through_djangos_mail_framework(city):
    admin = city.county_admin(0)
    prefer(admin, email="admin@example.gov.cn")
    _tell(admin)
    notifications_drain()
    [message] = mail.outbox
    assert message.to == ["admin@example.gov.cn"]
    assert "YZ-20261123-0001" in message.subject
    assert "https://grid.example.gov.cn/reports/1/" in message.body


def test_every_channel_of_a_person_gets_one_delivery_and_one_attempt(city, robot):
    admin = city.county_admin(0)
    prefer(
        admin,
        email="a@example.gov.cn",
        wecom_url=robot.url(),
        dingtalk_url=robot.url("/robot/send?access_token=t"),
        feishu_url=robot.url("/open-apis/bot/v2/hook/x"),
    )
    _tell(admin)
    with time_machine.travel(START, tick=False):
        result = notifications_drain()
    assert result.sent == 4
    assert len(robot.requests) == 3
    assert len(mail.outbox) == 1
    deliveries = Delivery.objects.order_by("channel")
    assert [d.channel for d in deliveries] == ["dingtalk", "email", "feishu", "wecom"]
    assert all(d.status == DeliveryStatus.SENT and d.attempts == 1 for d in deliveries)
    attempts = DeliveryAttempt.objects.all()
    assert len(attempts) == 4
    assert all(a.ok and a.error == "" and a.at == START for a in attempts)
    assert Notification.objects.get().delivered_at == START


def test_a_person_without_channels_is_told_in_the_product_only(city, robot):
    admin = city.county_admin(0)
    _tell(admin)
    assert notifications_drain().handed_over == 1
    assert not Delivery.objects.exists()
    assert Notification.objects.get().delivered_at is not None
    assert Notification.objects.get().read_at is None  # still unread in the bell


def test_an_inactive_person_gets_nothing_beyond_the_bell(city, robot):
    admin = city.county_admin(0, is_active=False)
    prefer(admin, wecom_url=robot.url())
    _tell(admin)
    notifications_drain()
    assert robot.requests == []


def test_the_message_is_in_the_recipients_language(city, robot, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    chinese, english = city.county_admin(0), city.county_admin(1)
    prefer(chinese, wecom_url=robot.url("/cn"))
    prefer(english, wecom_url=robot.url("/en"), language="en")
    for person in (chinese, english):
        notify(
            recipient_ids=[person.pk],
            kind="report_escalate",
            subject="YZ-1",
            text="标题",
            url="/reports/1/",
        )
    notifications_drain()
    texts = {r["path"]: r["json"]["text"]["content"] for r in robot.requests}
    assert texts["/cn"].startswith("已上报市平台：事项 YZ-1\n\n事项 YZ-1：已上报市平台。\n标题")
    assert "查看事项：https://grid.example.gov.cn/reports/1/" in texts["/cn"]
    assert texts["/en"].startswith("Escalated to the city: case YZ-1\n\nCase YZ-1: Escalated")
    assert "Open the case: https://grid.example.gov.cn/reports/1/" in texts["/en"]
    assert "Escalated to the city" in texts["/en"]


# --- failures -----------------------------------------------------------------------------------


def test_a_failing_robot_is_retried_with_backoff_then_given_up(city, robot, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    robot.status, robot.answer = 500, {"errcode": -1, "errmsg": "busy"}
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())
    with time_machine.travel(START, tick=False) as clock:
        _tell(admin)
        notifications_drain()
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.next_attempt_at == START + timedelta(minutes=1)
        assert "HTTP 500" in delivery.last_error

        # not due yet: nothing tried
        clock.shift(timedelta(seconds=59))
        assert notifications_drain().retrying == 0
        assert len(robot.requests) == 1

        # 1 min, then 2, then 4 after each failure
        for attempt, pause in [(2, 2), (3, 4)]:
            clock.move_to(Delivery.objects.get().next_attempt_at)
            assert notifications_drain().retrying == 1
            delivery = Delivery.objects.get()
            assert delivery.attempts == attempt
            assert delivery.next_attempt_at == timezone.now() + timedelta(minutes=pause)

        clock.move_to(Delivery.objects.get().next_attempt_at)
        assert notifications_drain().failed == 1
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryStatus.FAILED,
            4,
            None,
        )
        # given up: later drains try nothing more
        clock.shift(timedelta(days=1))
        notifications_drain()
    assert len(robot.requests) == 4
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery))
    assert len(attempts) == 4
    assert not any(a.ok for a in attempts)
    assert all("HTTP 500" in a.error for a in attempts)


def test_a_robot_that_refuses_in_its_answer_is_a_failure(city, robot):
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())
    _tell(admin)
    notifications_drain()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "93000" in delivery.last_error
    assert "invalid webhook url" in DeliveryAttempt.objects.get().error


def test_a_failure_then_a_success_sends_once(city, robot):
    robot.status = 502
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())
    with time_machine.travel(START, tick=False) as clock:
        _tell(admin)
        notifications_drain()
        robot.status = 200
        clock.shift(retry_pause(1))
        assert notifications_drain().sent == 1
        clock.shift(timedelta(hours=1))
        assert notifications_drain().sent == 0
    assert len(robot.requests) == 2
    assert [a.ok for a in DeliveryAttempt.objects.all()] == [False, True]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_retry_pauses_double_up_to_the_cap(settings):
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600
    assert [retry_pause(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_a_channel_turned_off_before_sending_is_cancelled(city, robot):
    admin = city.county_admin(0)
    preference = prefer(admin, wecom_url=robot.url())
    _tell(admin)
    from notifications.delivery import notifications_hand_over

    notifications_hand_over(now=timezone.now(), batch_size=10)
    preference.wecom_on = False
    preference.save()
    assert notifications_drain().cancelled == 1
    assert robot.requests == []
    assert Delivery.objects.get().status == DeliveryStatus.CANCELLED


def test_a_webhook_host_no_longer_allowed_is_not_called(city, robot, settings):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())
    _tell(admin)
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com"]
    notifications_drain()
    assert robot.requests == []
    assert "Only these robot hosts" in Delivery.objects.get().last_error


# --- once, and the digest -----------------------------------------------------------------------


def test_a_second_drain_sends_nothing_again(city, robot):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url(), email="a@example.gov.cn")
    _tell(admin)
    _tell(admin, subject="YZ-2")
    first = notifications_drain()
    second = notifications_drain()
    assert (first.handed_over, first.sent) == (2, 4)
    assert (second.handed_over, second.sent) == (0, 0)
    assert len(robot.requests) == 2
    assert len(mail.outbox) == 2


def test_drains_in_small_batches_take_the_oldest_first(city, robot):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url())
    for n in range(5):
        with time_machine.travel(START + timedelta(minutes=n), tick=False):
            _tell(admin, subject=f"YZ-{n}")
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        result = notifications_drain(batch_size=2, max_batches=1)
    assert (result.handed_over, result.sent) == (2, 2)
    contents = [b["text"]["content"] for b in robot.bodies]
    assert all("YZ-0" in c or "YZ-1" in c for c in contents)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert notifications_drain(batch_size=2).sent == 3


def test_a_digest_gathers_the_non_urgent_and_urgent_ones_go_at_once(city, robot):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url(), email="a@example.gov.cn", digest=True)
    with time_machine.travel(START, tick=False):
        _tell(admin, subject="YZ-1")
        _tell(admin, subject="YZ-2")
        _tell(admin, kind="alarm", subject="YZ-9")  # urgent
        result = notifications_drain()
    assert result.handed_over == 3
    assert result.sent == 2  # the urgent one, on both channels
    assert "YZ-9" in robot.bodies[0]["text"]["content"]
    assert [m.subject for m in mail.outbox] == [mail.outbox[0].subject]
    assert "YZ-9" in mail.outbox[0].subject
    waiting = Notification.objects.filter(awaiting_digest=True)
    assert sorted(waiting.values_list("subject", flat=True)) == ["YZ-1", "YZ-2"]

    with time_machine.travel(START + timedelta(hours=22), tick=False):
        assert digests_send(now=timezone.now()) == 1
        assert digests_send(now=timezone.now()) == 0  # run again: nothing more
    assert len(robot.requests) == 2
    digest = robot.bodies[1]["text"]["content"]
    assert "2 notifications" in digest
    assert "YZ-1" in digest
    assert "YZ-2" in digest
    assert "YZ-9" not in digest
    assert len(mail.outbox) == 2
    assert "2 notifications" in mail.outbox[1].subject
    assert not Notification.objects.filter(awaiting_digest=True).exists()
    assert Delivery.objects.filter(notification=None, status=DeliveryStatus.SENT).count() == 2


def test_a_digest_is_one_message_per_person(city, robot):
    first, second, instant = city.county_admin(0), city.county_admin(1), city.county_admin(0)
    prefer(first, wecom_url=robot.url("/first"), digest=True)
    prefer(second, wecom_url=robot.url("/second"), digest=True)
    prefer(instant, wecom_url=robot.url("/instant"))
    for n in range(3):
        notify(recipient_ids=[first.pk, second.pk, instant.pk], kind="k", subject=f"YZ-{n}")
    notifications_drain()
    assert [r["path"] for r in robot.requests] == ["/instant"] * 3
    assert digests_send(now=timezone.now(), batch_size=1) == 2
    paths = sorted(r["path"] for r in robot.requests[3:])
    assert paths == ["/first", "/second"]


def test_a_long_digest_lists_the_newest_and_counts_the_rest(city, robot):
    admin = city.county_admin(0)
    prefer(admin, wecom_url=robot.url(), digest=True)
    notify(recipient_ids=[admin.pk], kind="k", subject="first")
    for n in range(60):
        notify(recipient_ids=[admin.pk], kind="k", subject=f"n{n}")
    notifications_drain()
    digests_send(now=timezone.now())
    body = Delivery.objects.get().body
    assert "and 11 more" in body
    assert "n59" in body
    assert len(robot.bodies[0]["text"]["content"].encode()) <= 2048


def test_notify_publishes_one_drain_per_transaction(city, django_capture_on_commit_callbacks):
    admin = city.county_admin(0)
    with django_capture_on_commit_callbacks() as callbacks:
        _tell(admin)
        _tell(admin)
        notify(recipient_ids=[], kind="k", subject="nobody")
    assert len(callbacks) == 1
    assert User.objects.filter(notifications__isnull=False).distinct().count() == 1
