#!/usr/bin/env bash
# One command from a fresh clone to a running instance on http://127.0.0.1:8000:
# a virtual environment, a config with a generated secret key, an embedded SQLite
# database, and the background worker running inside the web process.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e .
.venv/bin/convene init
.venv/bin/convene migrate
exec .venv/bin/convene serve --host 127.0.0.1 --port "${PORT:-8000}"
