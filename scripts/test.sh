#!/usr/bin/env bash
# Installs and starts everything the test suite needs, then runs it twice:
# once on the embedded SQLite database and once on a real PostgreSQL.
# On Debian as root it installs PostgreSQL, Redis and Chromium when they are missing.
# Extra arguments go to pytest (e.g. scripts/test.sh -k participation).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  python3 -c "import ensurepip" 2>/dev/null || need+=(python3-venv)
  command -v pg_ctlcluster >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v chromium >/dev/null || need+=(chromium)
  command -v npm >/dev/null || need+=(nodejs npm)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
# the test plugins, installed as a third-party plugin is (not editable); pip rebuilds a changed folder,
# from a fresh build folder so a module removed from the source leaves the installed copy too
rm -rf tests/plugin_testkit/build
.venv/bin/pip install -q ./tests/plugin_testkit

# PostgreSQL: the Debian cluster, a role and a database for the tests.
PG_VERSION=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1 || true)
if [ -n "$PG_VERSION" ]; then
  pg_ctlcluster "$PG_VERSION" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
  run_psql() { if [ "$(id -u)" = 0 ]; then su postgres -c "psql -qtAX -c \"$1\""; else psql -qtAX -c "$1"; fi; }
  run_psql "SELECT 1 FROM pg_roles WHERE rolname='convene'" | grep -q 1 \
    || run_psql "CREATE ROLE convene LOGIN PASSWORD 'convene' CREATEDB"
  run_psql "DROP DATABASE IF EXISTS convene_test" >/dev/null
  run_psql "CREATE DATABASE convene_test OWNER convene"
  export CONVENE_TEST_DATABASE_URL_PG="postgresql+asyncpg://convene:convene@127.0.0.1:5432/convene_test"
fi

# Fedify, a third-party ActivityPub peer for the federation tests (Node 22 comes with it).
if command -v npm >/dev/null; then
  mkdir -p .cache/fedify-peer
  cp tests/peers/fedify/package.json tests/peers/fedify/server.mjs .cache/fedify-peer/
  (cd .cache/fedify-peer && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  export CONVENE_FEDIFY_PEER="$ROOT/.cache/fedify-peer"
fi

# axe-core, which the browser tests (tests/browser/) inject into pages to check accessibility.
if command -v npm >/dev/null; then
  mkdir -p .cache/axe
  cp tests/browser/package.json .cache/axe/
  (cd .cache/axe && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  export CONVENE_AXE_CORE="$ROOT/.cache/axe/node_modules/axe-core/axe.min.js"
fi

# bovine-herd, a third-party Python ActivityPub server, in a virtual environment of its own.
if [ ! -x .cache/bovine-peer/bin/hypercorn ]; then
  python3 -m venv .cache/bovine-peer
  .cache/bovine-peer/bin/pip install -q "bovine-herd==0.5.19" "bovine-tool==0.5.6" "hypercorn==0.18.0"
fi
export CONVENE_BOVINE_PEER="$ROOT/.cache/bovine-peer"

# Redis, for the tests of the production broker.
if command -v redis-server >/dev/null; then
  redis-cli -p 6390 ping >/dev/null 2>&1 || redis-server --bind 127.0.0.1 --port 6390 --daemonize yes --save "" >/dev/null
  export CONVENE_TEST_REDIS_URL="redis://127.0.0.1:6390/0"
fi

status=0
# Once, not per database: the lint rules and the types (pyproject.toml says which and why).
echo "=== ruff and mypy ==="
.venv/bin/ruff check . || status=$?
.venv/bin/mypy || status=$?

# The two databases' runs go side by side: much of the suite waits (on servers, browsers, peers,
# workers), so two runs on two cores take far less than one after the other. Each has its own Redis
# database, so neither's workers take the other's messages; each writes its own log, shown in full
# when both are done.
if [ -z "${CONVENE_TEST_DATABASE_URL_PG:-}" ]; then
  echo "PostgreSQL is not installed: the PostgreSQL run cannot happen" >&2
  status=1
fi
logs=$(mktemp -d)
echo "=== test suites on SQLite and on PostgreSQL, side by side (logs: $logs) ==="
redis_db() { [ -n "${CONVENE_TEST_REDIS_URL:-}" ] && echo "${CONVENE_TEST_REDIS_URL%/*}/$1" || echo ""; }
CONVENE_TEST_DATABASE_URL="" CONVENE_TEST_REDIS_URL=$(redis_db 0) \
  .venv/bin/python -m pytest -p no:cacheprovider -m "not postgres_only" "$@" > "$logs/sqlite.log" 2>&1 &
sqlite_run=$!
if [ -n "${CONVENE_TEST_DATABASE_URL_PG:-}" ]; then
  CONVENE_TEST_DATABASE_URL="$CONVENE_TEST_DATABASE_URL_PG" CONVENE_TEST_REDIS_URL=$(redis_db 1) \
    .venv/bin/python -m pytest -p no:cacheprovider "$@" > "$logs/postgresql.log" 2>&1 &
  postgresql_run=$!
fi
wait "$sqlite_run" || status=$?
echo "=== test suite on SQLite ==="
cat "$logs/sqlite.log"
if [ -n "${postgresql_run:-}" ]; then
  wait "$postgresql_run" || status=$?
  echo "=== test suite on PostgreSQL ==="
  cat "$logs/postgresql.log"
fi
exit $status
