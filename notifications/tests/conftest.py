"""Fixtures of the notifications tests: kinds of their own, robots on 127.0.0.1, people's
preferences."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.kinds import Kind, register_kind, unregister_kind

TEST_KINDS = [
    Kind("k", "Something happened"),
    Kind("old", "Old news"),
    Kind("new", "New news"),
    Kind("alarm", "Major case", urgent=True),
]


@pytest.fixture(autouse=True)
def test_kinds() -> Iterator[list[Kind]]:
    for kind in TEST_KINDS:
        register_kind(kind)
    yield TEST_KINDS
    for kind in TEST_KINDS:
        unregister_kind(kind.name)


@dataclass
class Robot:
    """A robot webhook server on 127.0.0.1: records each POST, answers as it is told."""

    port: int
    requests: list[dict] = field(default_factory=list)
    status: int = 200
    drop_connections: bool = False  # close each connection after answering, without saying so
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/cgi-bin/webhook/send?key=test") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def bodies(self) -> list[dict]:
        return [r["json"] for r in self.requests]


@pytest.fixture
def robot(settings) -> Iterator[Robot]:
    """A webhook server started by the test, its host allowed for webhooks."""
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = [*settings.NOTIFICATIONS_WEBHOOK_HOSTS, "127.0.0.1"]
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keeps connections open, as the vendors' servers do
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            robot = state["robot"]
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with robot.lock:
                robot.requests.append(
                    {
                        "path": self.path,
                        "json": json.loads(raw),
                        "headers": dict(self.headers),
                        "client_port": self.client_address[1],
                    }
                )
                status, answer = robot.status, robot.answer
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            if robot.drop_connections:
                self.close_connection = True

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["robot"] = Robot(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state["robot"]
    server.shutdown()
    server.server_close()
