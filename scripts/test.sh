#!/usr/bin/env bash
# The test command of the README and of CI: install (idempotent), start a throwaway PostgreSQL on
# loopback, run the architecture contract and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh

PGDIR=$(mktemp -d /tmp/nianbao-pg.XXXXXX)
chmod 755 "$PGDIR"
cleanup() { bash scripts/pg.sh stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(bash scripts/pg.sh start "$PGDIR")
  export DATABASE_URL
fi

.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"
