"""Sending one message on one channel: e-mail, or a group-chat robot's webhook.

Robots (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书) each take one JSON POST of their own shape
and answer JSON with an error code. They are called with the standard library's ``http.client``,
not a notification library: apprise (the maintained one) would bring a dependency and its
own plugin per vendor, whose URLs are fixed to the vendors' hosts — so the tests could not
point them at a server on 127.0.0.1, and we would still need our own host allow-list in front
of it. What a robot needs is small: a body, an optional signature, a timeout, no redirects,
and a connection kept open between messages (per thread and host: a TLS handshake with a
vendor costs more than the message).

Webhook URLs come from people, so they are a server-side request forgery risk: only hosts in
``NOTIFICATIONS_WEBHOOK_HOSTS`` are accepted (the three vendors' robot hosts by default), over
https (plain http only to a loopback address, for tests and local servers), checked when a
person saves the URL and again before every request; redirects are never followed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy as _

# Robot channels: what their text may hold (bytes of UTF-8), from the vendors' documentation.
TEXT_LIMITS = {"wecom": 2048, "dingtalk": 20000, "feishu": 30000}


class SendError(Exception):
    """A message could not be sent; the text says why (stored with the attempt)."""


@dataclass(frozen=True)
class Message:
    """What one person is told: a subject line and a plain-text body."""

    subject: str
    body: str


# --- webhook URLs -----------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` may not be called, or None when it may (see the module's docstring)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return str(_("This is not a valid address."))
    if parts.username is not None or parts.password is not None:
        return str(_("A webhook address may not contain a user name or password."))
    allowed = {h.lower() for h in settings.NOTIFICATIONS_WEBHOOK_HOSTS}
    if host not in allowed:
        return str(
            _("Only these robot hosts are allowed: %(hosts)s.")
            % {"hosts": ", ".join(sorted(allowed))}
        )
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(host)):
        return str(_("A webhook address must start with https://."))
    return None


def validate_webhook_url(value: str) -> None:
    """Model-field validator: a robot webhook on an allowed host (blank is allowed)."""
    if value:
        problem = webhook_url_problem(value)
        if problem:
            raise ValidationError(problem, code="webhook_host")


# --- robots -------------------------------------------------------------------------------------


def _cut_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, on a character boundary."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def robot_request(
    channel: str, url: str, secret: str, message: Message, *, now: float | None = None
) -> tuple[str, dict]:
    """The URL to POST to and the JSON body, in ``channel``'s shape, signed if ``secret``."""
    text = _cut_bytes(f"{message.subject}\n\n{message.body}".strip(), TEXT_LIMITS[channel])
    now = time.time() if now is None else now
    if channel == "wecom":
        return url, {"msgtype": "text", "text": {"content": text}}
    if channel == "dingtalk":
        if secret:
            # timestamp (ms) + "\n" + secret, HMAC-SHA256 keyed with the secret, base64, in the
            # query string (DingTalk's "加签").
            stamp = str(int(now * 1000))
            digest = hmac.new(
                secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256
            ).digest()
            sign = urllib.parse.quote_plus(base64.b64encode(digest))
            url = f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
        return url, {"msgtype": "text", "text": {"content": text}}
    if channel == "feishu":
        body: dict = {"msg_type": "text", "content": {"text": text}}
        if secret:
            # timestamp (s) + "\n" + secret is the HMAC-SHA256 key of an empty message, base64,
            # in the body (Feishu's "签名校验").
            stamp = str(int(now))
            digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
            body = {"timestamp": stamp, "sign": base64.b64encode(digest).decode(), **body}
        return url, body
    raise ValueError(f"not a robot channel: {channel}")


# Connections kept open per thread and robot host (HTTP/1.1 keep-alive): the TLS handshake
# with a vendor costs more than the message itself.
_connections = threading.local()


def _connection(scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
    pool = getattr(_connections, "pool", None)
    if pool is None:
        pool = _connections.pool = {}
    key = (scheme, host, port)
    timeout = settings.NOTIFICATIONS_WEBHOOK_TIMEOUT
    connection = pool.get(key)
    if connection is None:
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = pool[key] = kind(host, port, timeout=timeout)
    elif connection.sock is not None:
        connection.sock.settimeout(timeout)
    connection.timeout = timeout
    return connection


def _drop(scheme: str, host: str, port: int | None) -> None:
    connection = getattr(_connections, "pool", {}).pop((scheme, host, port), None)
    if connection is not None:
        connection.close()


def _post(url: str, body: bytes) -> tuple[int, str, bytes]:
    """POST ``body`` to ``url`` on a kept-open connection; (status, reason, answer).

    A kept connection the server closed meanwhile is opened again once. Redirects are not
    followed (http.client never does).
    """
    parts = urllib.parse.urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    key = (parts.scheme, parts.hostname, parts.port)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    for retry in (True, False):
        connection = _connection(*key)
        reused = connection.sock is not None
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read(65536)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            _drop(*key)
            if retry and reused:
                continue
            raise
        except BaseException:
            _drop(*key)
            raise
        if response.will_close:
            _drop(*key)
        return response.status, response.reason, answer
    raise AssertionError("unreachable")


def _robot_error(channel: str, answer: dict) -> str | None:
    """The robot's own refusal in a 200 answer (an error code other than 0), or None."""
    if channel == "feishu":
        code = answer.get("code", answer.get("StatusCode", 0))
        text = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, text = answer.get("errcode", 0), answer.get("errmsg", "")
    return None if code in (0, "0", None) else f"{channel} error {code}: {text}"[:500]


def post_robot(channel: str, url: str, secret: str, message: Message) -> None:
    """Send ``message`` to a robot; :class:`SendError` saying why when it is not accepted."""
    problem = webhook_url_problem(url)
    if problem:
        raise SendError(problem)
    target, body = robot_request(channel, url, secret, message)
    try:
        status, reason, raw = _post(target, json.dumps(body, ensure_ascii=False).encode())
    except (OSError, http.client.HTTPException, ValueError) as error:  # timeouts are OSErrors
        raise SendError(str(error)[:500] or type(error).__name__) from None
    if 300 <= status < 400:
        raise SendError(f"HTTP {status} {reason}: redirected, not followed"[:500])
    if not 200 <= status < 300:
        raise SendError(f"HTTP {status} {reason}"[:500])
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise SendError(f"not a JSON answer: {raw[:200]!r}") from None
    if isinstance(answer, dict):
        refused = _robot_error(channel, answer)
        if refused:
            raise SendError(refused)


# --- e-mail -----------------------------------------------------------------------------------


def send_email(address: str, message: Message, *, connection=None) -> None:
    """Send ``message`` to ``address`` through Django's mail framework (``EMAIL_URL``)."""
    email = EmailMessage(
        subject=message.subject.replace("\n", " ")[:200],
        body=message.body,
        to=[address],
        connection=connection,
    )
    try:
        email.send()
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
        raise SendError(str(error)[:500] or type(error).__name__) from None


def send(channel: str, *, address: str, secret: str, message: Message) -> None:
    """Send ``message`` on ``channel`` to ``address`` (an e-mail address or a webhook URL)."""
    if channel == "email":
        send_email(address, message)
    else:
        post_robot(channel, address, secret, message)
