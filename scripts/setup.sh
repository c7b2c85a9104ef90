#!/usr/bin/env bash
# Sets up the project on a machine with Python 3.11 and builds the warehouse:
# a virtual environment in .venv with the pinned requirements, then
# `dbt build` (seeds, models and all tests) on the embedded DuckDB file
# target/mensenhandel.duckdb (or $MENSENHANDEL_DUCKDB_PATH).
#
#   --install-only   the virtual environment only
#   --postgres       instead of the DuckDB file: build, test and publish the
#                    warehouse on the PostgreSQL server that the libpq
#                    variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
#                    PGDATABASE) name, readable by the role
#                    mensenhandel_reader (scripts/postgres.py publish)
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3

if [ ! -x .venv/bin/dbt ] || ! cmp -s requirements.txt .venv/.requirements.txt; then
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    cp requirements.txt .venv/.requirements.txt
fi

# Runs never call home: offline, dbt's tracking would stall a run.
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_PROFILES_DIR=.

if [ "${1:-}" = "--postgres" ]; then
    exec .venv/bin/python scripts/postgres.py publish
elif [ "${1:-}" != "--install-only" ]; then
    # --full-refresh: seeds are reloaded whole, so a seed that gained a column
    # loads into an existing warehouse too
    .venv/bin/dbt build --full-refresh
fi
