"""Time the scorecard pages and API in-process as the demo city leader (12 requests each).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/scorecards_requests.py
"""

import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grid.models import User  # noqa: E402

PATHS = [
    "/api/v1/scorecards/?level=township",
    "/api/v1/scorecards/?level=grid_point&page_size=50",
    "/scorecards/?level=township",
    "/scorecards/dashboard/",
    "/scorecards/screen/data/",
]

settings.ALLOWED_HOSTS = ["*"]
client = Client()
client.force_login(User.objects.get(username="demo-leader"))
for path in PATHS:
    times = []
    for _ in range(12):
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            response = client.get(path)
            times.append((time.monotonic() - started) * 1000)
    median = statistics.median(times)
    print(
        f"{path:<52} {response.status_code} first {times[0]:7.0f} ms "
        f"median {median:6.1f} ms  queries {len(queries)}"
    )
