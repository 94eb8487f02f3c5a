#!/usr/bin/env bash
# The report benchmarks in one command (see bench/README.md):
#   bench/run.sh            # or: make bench
# Seeds a scratch PostgreSQL database with the province (grid, people, 5 million reports) if it
# is not seeded yet, starts gunicorn (sync workers, 2 x cores + 1) and drives it with wrk from a
# second process on 127.0.0.1 at 16 connections, each scenario bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
DB=${BENCH_DB:-bench}
[ "$DB" = "test" ] && { echo "refusing to benchmark in the database 'test'"; exit 2; }
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB}
# As in production: cache and sessions in Redis (database 1 here; BENCH_REDIS_URL= runs
# without Redis).
export REDIS_URL=${BENCH_REDIS_URL-redis://127.0.0.1:6379/1}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
PORT=${BENCH_PORT:-8765}
WORKERS=${BENCH_WORKERS:-$(( 2 * $(nproc) + 1 ))}
export BENCH_DIR=$ROOT/bench RESULTS=$ROOT/bench/results
mkdir -p "$RESULTS"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -n "$REDIS_URL" ] && ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

if ! psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
  createdb -h 127.0.0.1 -U postgres "$DB"
fi
"$PY" manage.py migrate --no-input -v 0
# The reference points of the issue, on this machine: a bare DRF project (bench/baseline) with
# its own table of a million rows in the same database.
DJANGO_SETTINGS_MODULE=bench.baseline.settings "$PY" -m django migrate --run-syncdb -v 0
psql -h 127.0.0.1 -U postgres -d "$DB" -q <<'SQL'
DELETE FROM bench_baseline_row WHERE id > 1000000;
INSERT INTO bench_baseline_row (title, body, created_at)
SELECT '网情 ' || g, repeat('微信群流传某村道路塌陷的说法，需要核实。', 2), now() - g * interval '1 second'
FROM generate_series((SELECT count(*) + 1 FROM bench_baseline_row), 1000000) g;
VACUUM ANALYZE bench_baseline_row;
SQL
if [ "$("$PY" manage.py shell --no-imports -c 'from reports.models import Report; print(Report.objects.count())' | tail -1)" -lt 1000000 ]; then
  echo "== seeding the province (grid, people, reports)"
  /usr/bin/time -f "seed wall time: %e s" "$PY" manage.py seed_demo --scale province
  psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE"
fi
# Start every run from the seeded province: remove what earlier intake runs filed (titles
# start with 压测, see wrk/intake.lua and profile.py; the seed has none), which would
# otherwise pile up as untriaged cases, then vacuum as autovacuum would (reports/0003).
psql -h 127.0.0.1 -U postgres -d "$DB" -q <<'SQL'
CREATE TEMP TABLE bench_filed AS SELECT id FROM reports_report WHERE title LIKE '压测%';
DELETE FROM reports_reportevent WHERE report_id IN (SELECT id FROM bench_filed);
DELETE FROM reports_reportsource WHERE report_id IN (SELECT id FROM bench_filed);
DELETE FROM notifications_notification WHERE kind = 'report_submitted' AND text LIKE '压测%';
DELETE FROM reports_report WHERE id IN (SELECT id FROM bench_filed);
SQL
psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM ANALYZE reports_report" \
  -c "VACUUM ANALYZE reports_reportevent" -c "VACUUM ANALYZE reports_reportsource"
# The cleanup above wrote behind the application's back: drop what Redis kept (counts,
# people, sessions), as an operator must after repairs by hand (docs/deployment.md).
[ -n "$REDIS_URL" ] && redis-cli -u "$REDIS_URL" flushdb >/dev/null
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false
export DJANGO_HSTS_SECONDS=0 DJANGO_LOG_LEVEL=WARNING
# Sessions are signed with the secret key: prepare them with the server's settings.
"$PY" bench/prepare.py
"$ROOT/.venv/bin/gunicorn" config.wsgi -w "$WORKERS" -k sync -b "127.0.0.1:$PORT" \
  --limit-request-line 8190 --log-level warning --access-logfile /dev/null >"$RESULTS/gunicorn.log" 2>&1 &
GUNICORN=$!
BASE_PORT=$((PORT + 1))
DJANGO_SETTINGS_MODULE=bench.baseline.settings "$ROOT/.venv/bin/gunicorn" bench.baseline.wsgi \
  -w "$WORKERS" -k sync -b "127.0.0.1:$BASE_PORT" --limit-request-line 8190 --log-level warning \
  --access-logfile /dev/null \
  >"$RESULTS/gunicorn-baseline.log" 2>&1 &
BASELINE=$!
trap 'kill $GUNICORN $BASELINE 2>/dev/null || true; wait $GUNICORN $BASELINE 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.5; done
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$BASE_PORT/rows/" && break; sleep 0.5; done

run() {  # name script [env...]; BENCH_SCENARIOS="intake queue-api" runs only those
  local name=$1 script=$2 url=http://127.0.0.1:$PORT; shift 2
  [[ -z "${BENCH_SCENARIOS:-}" || " $BENCH_SCENARIOS " == *" $name "* ]] || return 0
  [[ $name == baseline-* ]] && url=http://127.0.0.1:$BASE_PORT
  # warm every worker's connection and caches first
  env "$@" wrk -t2 -c"$CONNECTIONS" -d3s -s "bench/wrk/$script" "$url" >/dev/null
  local line cpu
  "$PY" bench/cpuuse.py snapshot "$RESULTS/cpu-before.json"
  line=$(env "$@" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 5s -s "bench/wrk/$script" \
    "$url" | grep '^RESULT')
  "$PY" bench/cpuuse.py snapshot "$RESULTS/cpu-after.json"
  cpu=$("$PY" bench/cpuuse.py report "$RESULTS/cpu-before.json" "$RESULTS/cpu-after.json" \
    "$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")")
  printf '%-14s %s %s\n' "$name" "${line#RESULT }" "$cpu" | tee -a "$RESULTS/summary.txt"
}

echo "== $(date -Iseconds) workers=$WORKERS connections=$CONNECTIONS duration=$DURATION" | tee -a "$RESULTS/summary.txt"
# The issue's reference points on this machine: a bare DRF view inserting one row, a bare
# 50-row list over a million rows (bench/baseline).
run baseline-insert baseline_insert.lua
run baseline-list baseline_list.lua
# The floor: token auth, our middleware and one small JSON answer, nothing else.
run floor-me get_token.lua BENCH_TOKEN_FILE="$RESULTS/admin_tokens.txt" BENCH_PATH="/api/v1/me/"
run queue-api get_token.lua BENCH_TOKEN_FILE="$RESULTS/admin_tokens.txt" BENCH_PATH="/api/v1/reports/?page_size=50"
run queue-page get_session.lua BENCH_SESSION_FILE="$RESULTS/admin_sessions.txt" BENCH_PATH="/reports/queue/"
run detail-api get_token.lua BENCH_TOKEN_FILE="$RESULTS/admin0_token.txt" BENCH_IDS="$RESULTS/admin0_case_ids.txt" BENCH_PATH="/api/v1/reports/{id}/"
run detail-page get_session.lua BENCH_SESSION_FILE="$RESULTS/admin0_session.txt" BENCH_IDS="$RESULTS/admin0_case_ids.txt" BENCH_PATH="/reports/{id}/"
# Scorecards (read from the closed month's snapshot; the dashboard's figures once a minute).
run scorecards-api get_token.lua BENCH_TOKEN_FILE="$RESULTS/leader_tokens.txt" BENCH_PATH="/api/v1/scorecards/?level=township"
run dashboard-page get_session.lua BENCH_SESSION_FILE="$RESULTS/leader_sessions.txt" BENCH_PATH="/scorecards/dashboard/"
run intake intake.lua
# Dispatch (issue 10): the city duty console and the unit's inbox, 50 rows a page.
run console-api get_token.lua BENCH_TOKEN_FILE="$RESULTS/duty_tokens.txt" BENCH_PATH="/api/v1/dispatch/console/?tab=escalated&page_size=50"
run console-page get_session.lua BENCH_SESSION_FILE="$RESULTS/duty_sessions.txt" BENCH_PATH="/dispatch/console/"
run inbox-api get_token.lua BENCH_TOKEN_FILE="$RESULTS/liaison_tokens.txt" BENCH_PATH="/api/v1/dispatch/inbox/?page_size=50"
run inbox-page get_session.lua BENCH_SESSION_FILE="$RESULTS/liaison_sessions.txt" BENCH_PATH="/dispatch/inbox/"
