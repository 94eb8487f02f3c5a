"""Robots and e-mail one message at a time: hosts allowed, no redirects, timeouts, errors."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.channels import (
    TEXT_LIMITS,
    Message,
    SendError,
    post_robot,
    robot_request,
    webhook_url_problem,
)

MESSAGE = Message(subject="新上报事项：YZ-1", body="网传某村道路塌陷")


@pytest.mark.parametrize(
    "url",
    [
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        "https://oapi.dingtalk.com/robot/send?access_token=x",
        "https://open.feishu.cn/open-apis/bot/v2/hook/x",
        "https://OPEN.FEISHU.CN/open-apis/bot/v2/hook/x",
    ],
)
def test_the_vendors_robot_hosts_are_allowed_by_default(url):
    assert webhook_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://evil.example/hook", "Only these robot hosts"),
        ("https://qyapi.weixin.qq.com.evil.example/hook", "Only these robot hosts"),
        ("https://127.0.0.1:6379/", "Only these robot hosts"),
        ("https://[::1]/", "Only these robot hosts"),
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send", "https://"),
        ("ftp://qyapi.weixin.qq.com/x", "https://"),
        ("https://user:pw@qyapi.weixin.qq.com/x", "user name or password"),
        ("https://qyapi.weixin.qq.com@169.254.169.254/", "user name or password"),
        ("https://qyapi.weixin.qq.com:99999/", "not a valid address"),
    ],
)
def test_other_addresses_are_refused(url, why):
    assert why in webhook_url_problem(url)


def test_plain_http_only_to_an_allowed_loopback_address(settings):
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1", "intranet.example"]
    assert webhook_url_problem("http://127.0.0.1:8080/hook") is None
    assert "https://" in webhook_url_problem("http://intranet.example/hook")
    assert webhook_url_problem("https://intranet.example/hook") is None


def test_a_redirect_is_not_followed(settings):
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1"]
    hits: list[str] = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        with pytest.raises(SendError, match="redirected"):
            post_robot("wecom", f"http://127.0.0.1:{server.server_address[1]}/h", "", MESSAGE)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == ["/h"]


def test_a_robot_that_does_not_answer_times_out(settings):
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.NOTIFICATIONS_WEBHOOK_TIMEOUT = 0.3
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        started = time.monotonic()
        with pytest.raises(SendError, match="timed out"):
            post_robot("wecom", f"http://127.0.0.1:{silent.getsockname()[1]}/", "", MESSAGE)
        assert time.monotonic() - started < 2


def test_a_robot_that_is_not_there_is_a_send_error(settings):
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SendError, match="refused"):
        post_robot("feishu", f"http://127.0.0.1:{port}/", "", MESSAGE)


def test_feishu_refusals_in_both_answer_shapes(robot):
    robot.answer = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
    with pytest.raises(SendError, match="19021"):
        post_robot("feishu", robot.url("/open-apis/bot/v2/hook/x"), "s", MESSAGE)
    robot.answer = {"StatusCode": 0, "StatusMessage": "success"}
    post_robot("feishu", robot.url("/open-apis/bot/v2/hook/x"), "", MESSAGE)


@pytest.mark.parametrize("channel", ["wecom", "dingtalk", "feishu"])
def test_a_long_text_is_cut_to_what_the_robot_takes(channel):
    long = Message(subject="标题", body="字" * 20000)
    _url, body = robot_request(channel, "https://x/", "", long)
    text = body["text"]["content"] if channel != "feishu" else body["content"]["text"]
    assert len(text.encode()) <= TEXT_LIMITS[channel]
    assert text.endswith("…")
    json.dumps(body)  # still JSON


def test_a_connection_is_kept_open_between_messages(robot, settings):
    for n in range(3):
        post_robot("wecom", robot.url(), "", Message(subject=str(n), body=""))
    assert len({r["client_port"] for r in robot.requests}) == 1


def test_a_kept_connection_the_robot_closed_is_opened_again(robot):
    robot.drop_connections = True
    for n in range(3):
        post_robot("wecom", robot.url(), "", Message(subject=str(n), body=""))
    assert [r["json"]["text"]["content"] for r in robot.requests] == ["0", "1", "2"]
    assert len({r["client_port"] for r in robot.requests}) == 3
