"""Profile one benchmark scenario in-process (pyinstrument) against the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DJANGO_DEBUG=false \\
    DJANGO_SECRET_KEY=$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=testserver \\
    .venv/bin/python bench/profile.py queue-api          # or queue-page, detail-api, …

Prints the mean time per request over 200 requests (Django's test client, no profiler),
then pyinstrument's call tree over 100 more.
Needs `pip install pyinstrument` (not a project dependency).
"""

import itertools
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from grid.models import GRID_POINT_ROLES, Role, User  # noqa: E402
from grid.services import api_token_create  # noqa: E402
from reports.models import Report  # noqa: E402

SCENARIOS = ["floor-me", "queue-api", "queue-page", "detail-api", "detail-page", "intake"]


def token_client(user: User) -> APIClient:
    client = APIClient()
    key = api_token_create(user=user, label="profile")[1]
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    return client


def scenario(name: str):
    admin = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first()
    case = (
        Report.objects.filter(county_id=admin.region_id)
        .order_by("-created_at")
        .values_list("pk", flat=True)[3]
    )
    if name == "intake":
        # Informants spread over the province, each filing now and then, as in bench/run.sh.
        informants = User.objects.filter(
            role__in=sorted(GRID_POINT_ROLES), is_active=True, grid_point__isnull=False
        ).order_by("pk")[::300][:100]
        # One client (each test client loads the middleware anew), one token after another.
        client = APIClient()
        tokens = itertools.cycle(
            [api_token_create(user=informant, label="profile")[1] for informant in informants]
        )

        def post(payload):
            client.credentials(HTTP_AUTHORIZATION="Token " + next(tokens))
            return client.post("/api/v1/reports/", payload, format="json")

        body = {
            "body": "微信群流传某村道路塌陷的说法，需要核实。",
            "category": "negative",
            "source_platform": "wechat_group",
            "suggested_grade": "general",
        }
        return lambda: post(
            {
                **body,
                "title": f"压测网情 {uuid.uuid4()}",
                "source_urls": [f"https://example.com/p/{uuid.uuid4()}"],
            }
        )
    if name.endswith(("-api", "-me")):
        client = token_client(admin)
        path = {
            "floor-me": "/api/v1/me/",
            "queue-api": "/api/v1/reports/?page_size=50",
        }.get(name, f"/api/v1/reports/{case}/")
    else:
        client = Client()
        client.force_login(admin)
        path = "/reports/queue/" if name == "queue-page" else f"/reports/{case}/"
    return lambda: client.get(path)


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in SCENARIOS:
        sys.exit(f"usage: bench/profile.py {{{','.join(SCENARIOS)}}}")
    call = scenario(name)
    for _ in range(20):
        call()
    # Timed without the profiler first (its sampling slows every request), then profiled.
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(200):
        response = call()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{name}: {elapsed * 5:.1f} ms a request, {cpu * 5:.1f} ms of it Python's CPU"
        f" (HTTP {response.status_code})"
    )
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(100):
        call()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
