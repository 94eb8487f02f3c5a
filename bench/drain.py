"""Drain benchmark: N notifications (10,000 by default) delivered to a robot webhook on 127.0.0.1.

    createdb -h 127.0.0.1 -U postgres drainbench      # a scratch database (or the bench one)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/drainbench .venv/bin/python bench/drain.py
    .venv/bin/python bench/drain.py --count 2000       # SQLite under var/, fewer rows

Migrates the database, makes ``--people`` people (``drainbench-*``) who chose a WeCom robot
whose webhook is a local HTTP server run in a second process (so that it does not share this
process's interpreter lock), tells them ``--count`` notifications (one INSERT per batch, as
``notify`` writes them), then times ``notifications_drain()`` — the task's own function, hand-
over and sending with the production settings — until nothing is left. Prints the time, what
the server received, and checks every message arrived once. Removes its people (and with them
their notifications, deliveries and attempts) at the end, also when interrupted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ["NOTIFICATIONS_WEBHOOK_HOSTS"] = "127.0.0.1"


class Robot(BaseHTTPRequestHandler):
    """Answers every POST as a WeCom robot does and keeps what it received (``GET /received``
    gives it back as JSON)."""

    protocol_version = "HTTP/1.1"  # keeps connections open, as the vendors' servers do
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed ACK)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        first_line = json.loads(raw)["text"]["content"].split("\n", 1)[0]
        self.server.received.append(f"{self.path} {first_line}")
        self._answer(b'{"errcode":0,"errmsg":"ok"}')

    def do_GET(self) -> None:
        self._answer(json.dumps(self.server.received).encode())

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def serve(port_queue) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    server.received = []  # list.append is atomic: safe from the handler threads
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from grid.models import User
    from notifications.delivery import notifications_drain
    from notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, Notification
    from notifications.services import notify

    call_command("migrate", verbosity=0)
    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports,), daemon=True)
    server.start()
    port = ports.get(timeout=10)
    people = User.objects.filter(username__startswith="drainbench-")
    try:
        people.delete()
        from notifications.models import Preference

        made = User.objects.bulk_create(
            User(username=f"drainbench-{i}", name=f"压测{i}", password="!")  # noqa: S106 - unusable
            for i in range(args.people)
        )
        Preference.objects.bulk_create(
            Preference(user=u, wecom_on=True, wecom_url=f"http://127.0.0.1:{port}/send?key={u.pk}")
            for u in made
        )
        ids = [u.pk for u in made]
        per_person = -(-args.count // len(ids))
        written = 0
        started = time.perf_counter()
        with transaction.atomic():
            for n in range(per_person):
                batch = ids[: max(0, min(len(ids), args.count - written))]
                written += notify(
                    recipient_ids=batch,
                    kind="report_submitted",
                    subject=f"DB-{n:05d}",
                    text=f"压测通知 {n}",
                    url=f"/reports/{n}/",
                )
        print(
            f"{connection.vendor}: {written:,} notifications to {len(ids)} people written in "
            f"{time.perf_counter() - started:.1f} s; drain batches of "
            f"{settings.NOTIFICATIONS_BATCH_SIZE}, {settings.NOTIFICATIONS_SEND_THREADS} threads"
        )

        started = time.perf_counter()
        runs = sent = 0
        while True:
            runs += 1
            result = notifications_drain()
            sent += result.sent
            if not (result.handed_over or result.sent or result.retrying):
                break
        seconds = time.perf_counter() - started
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/received", timeout=30) as answer:
            got = json.load(answer)
        mine = Notification.objects.filter(recipient__in=people)
        deliveries = Delivery.objects.filter(recipient__in=people)
        checks = {
            "every notification handed over": not mine.filter(delivered_at=None).exists(),
            "every delivery sent": deliveries.filter(status=DeliveryStatus.SENT).count() == written,
            "one attempt each": DeliveryAttempt.objects.filter(
                delivery__recipient__in=people
            ).count()
            == written,
            "each message received once": len(got) == len(set(got)) == written,
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            raise SystemExit(f"FAILED: {', '.join(failed)}")
        print(
            f"drained {written:,} notifications in {seconds:.1f} s "
            f"({written / seconds:,.0f}/s, {runs} drain call(s)); "
            f"the robot received {len(got):,} messages, each once"
        )
    finally:
        people.delete()
        server.terminate()


if __name__ == "__main__":
    main()
