#!/usr/bin/env bash
# Times the province seed of the grid and its people (no reports) on a fresh PostgreSQL
# database, in one command (see bench/README.md, "Grid and people seed"):
#   bench/seed_grid.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/seedbench bench/seed_grid.sh
# The scratch database is BENCH_DB if set, else the one DATABASE_URL names, else `bench`; it is
# dropped and created again, so everything in it is lost. It is never `test`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-$PWD/.venv/bin/python}
URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench}
SERVER=${URL%/*}            # postgres://user@host:port
NAMED=${URL##*/}
NAMED=${NAMED%%\?*}         # the database DATABASE_URL names, without ?options
DB=${BENCH_DB:-${NAMED:-bench}}
case "$DB" in
  test|postgres|template0|template1) echo "refusing to drop the database '$DB'" >&2; exit 2 ;;
esac
export DATABASE_URL="$SERVER/$DB"

echo "== scratch database $DB on ${SERVER#*@}"
psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null
psql "$SERVER/postgres" -qc "CREATE DATABASE \"$DB\""
"$PY" manage.py migrate --no-input -v 0
echo "== seed_demo --scale province --grid-only ($(nproc) cores)"
/usr/bin/time -f "seed wall time: %e s (max RSS %M KiB)" \
  "$PY" manage.py seed_demo --scale province --grid-only
psql "$DATABASE_URL" -Atc "
  SELECT 'regions: ' || string_agg(level || ' ' || n, ', ' ORDER BY d)
  FROM (SELECT level, count(*) n,
               CASE level WHEN 'city' THEN 0 WHEN 'county' THEN 1 WHEN 'township' THEN 2 ELSE 3 END d
        FROM grid_region GROUP BY level) r;
  SELECT 'grid points: ' || count(*) FROM grid_gridpoint;
  SELECT 'units: ' || count(*) FROM grid_unit;
  SELECT 'people: ' || count(*) FROM grid_user;"
