"""Prepare a benchmark run: credentials and ids the wrk scripts read (bench/results/*.txt).

Run with the same DATABASE_URL as the server. Prints nothing secret; writes files under
bench/results/ (git-ignored).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from grid.models import GRID_POINT_ROLES, Role, User  # noqa: E402
from grid.services import api_token_create  # noqa: E402
from reports.models import Report  # noqa: E402

OUT = ROOT / "bench" / "results"
OUT.mkdir(parents=True, exist_ok=True)


def token_for(user: User) -> str:
    # A new token each run (only a hash of a key is stored, so an old key cannot be read back);
    # each run's tokens are pruned by the next once they expire (GRID_TOKEN_DAYS).
    return api_token_create(user=user, label="bench")[1]


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "grid.auth.GridModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.save()
    return store.session_key


# 200 informants spread evenly over the province's grid points (every k-th by id), so intake
# lands in every county as it would, not all in the first one.
informant_ids = list(
    User.objects.filter(role__in=sorted(GRID_POINT_ROLES), is_active=True, grid_point__isnull=False)
    .order_by("pk")
    .values_list("pk", flat=True)
)
informants = list(
    User.objects.filter(pk__in=informant_ids[:: max(1, len(informant_ids) // 200)][:200]).order_by(
        "pk"
    )
)
admins = list(User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk")[:20])
if not informants or not admins:
    sys.exit(
        "No informants or county admins: seed the database first (seed_demo --scale province)."
    )

(OUT / "informant_tokens.txt").write_text("\n".join(token_for(u) for u in informants) + "\n")
(OUT / "admin_tokens.txt").write_text("\n".join(token_for(u) for u in admins) + "\n")
(OUT / "admin_sessions.txt").write_text("\n".join(session_for(u) for u in admins) + "\n")
first = admins[0]
ids = list(
    Report.objects.filter(county_id=first.region_id)
    .order_by("-created_at")
    .values_list("pk", flat=True)[:500]
)
(OUT / "admin0_token.txt").write_text(token_for(first) + "\n")
(OUT / "admin0_session.txt").write_text(session_for(first) + "\n")
(OUT / "admin0_case_ids.txt").write_text("\n".join(map(str, ids)) + "\n")
# Dispatch: the city duty officers (the console) and the liaisons of the units with the most
# open routings (the inbox), as the demo's dispatch history has them.
from django.db.models import Count  # noqa: E402

from dispatch.models import Handler  # noqa: E402

duty = list(User.objects.filter(role=Role.DUTY_OFFICER, is_active=True).order_by("pk")[:20])
busy = [
    row["unit_id"]
    for row in Handler.objects.filter(open=True)
    .values("unit_id")
    .annotate(n=Count("id"))
    .order_by("-n")[:20]
]
liaisons = list(
    User.objects.filter(role=Role.UNIT_LIAISON, is_active=True, unit_id__in=busy).order_by("pk")
)
if duty:
    (OUT / "duty_tokens.txt").write_text("\n".join(token_for(u) for u in duty) + "\n")
    (OUT / "duty_sessions.txt").write_text("\n".join(session_for(u) for u in duty) + "\n")
if liaisons:
    (OUT / "liaison_tokens.txt").write_text("\n".join(token_for(u) for u in liaisons) + "\n")
    (OUT / "liaison_sessions.txt").write_text("\n".join(session_for(u) for u in liaisons) + "\n")
print(f"duty_officers={len(duty)} liaisons={len(liaisons)} (units with most open routings)")

# Scorecards: the city and county leaders of the province (the dashboard and the scorecard API).
leaders = list(User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk")[:20])
if leaders:
    (OUT / "leader_tokens.txt").write_text("\n".join(token_for(u) for u in leaders) + "\n")
    (OUT / "leader_sessions.txt").write_text("\n".join(session_for(u) for u in leaders) + "\n")
print(
    f"leaders={len(leaders)} informants={len(informants)} admins={len(admins)} "
    f"cases_for_admin0={len(ids)} "
    f"reports_total={Report.objects.count()} db={settings.DATABASES['default']['ENGINE']}"
)
