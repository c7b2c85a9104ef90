#!/usr/bin/env bash
# Every check of the project, from a fresh clone too (CI: .ci/run): lint of
# the Python and the SQL, dbt parse and build, docs, pytest. Stops at the
# first failing step, with a non-zero exit status.
set -euo pipefail
cd "$(dirname "$0")/.."

# The virtual environment with the pinned requirements.txt (installed when
# that file changed).
bash scripts/setup.sh --install-only
source .venv/bin/activate
# no logs/dbt.log: it costs 1 s of the 12 s build; the console shows failures
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_PROFILES_DIR=. \
    DBT_LOG_LEVEL_FILE=none

# Lint of the Python (ruff.toml).
ruff check scripts lib pytests models

# Lint of the SQL (.sqlfluff, .sqlfluffignore), in the background: beside the
# build it costs nearly nothing, after it 10 s. Its dbt templater opens the
# profile's DuckDB file, so it gets a file and a target/ of its own.
mkdir -p target/lint
MENSENHANDEL_DUCKDB_PATH=target/lint/mensenhandel.duckdb DBT_TARGET_PATH=target/lint \
    sqlfluff lint models tests >target/lint/sqlfluff.log 2>&1 &
lint=$!
trap 'kill "$lint" 2>/dev/null || true' EXIT

# A full parse with deprecations as errors (a partial parse reports none),
# then seeds (reloaded whole: a seed that gained a column loads into an
# existing warehouse too), models, data and unit tests.
dbt build --no-partial-parse --full-refresh --warn-error-options '{"error": ["Deprecations"]}'

# The docs, one self-contained file: target/static_index.html.
dbt docs generate --static --no-compile

# pytest, reusing the build's warehouse, compiled tests and manifest (else each
# worker builds its own), on two workers a test file each.
MENSENHANDEL_TEST_WAREHOUSE="${MENSENHANDEL_DUCKDB_PATH:-target/mensenhandel.duckdb}" \
MENSENHANDEL_TEST_TARGET=target MENSENHANDEL_TEST_MANIFEST=target/manifest.json \
    pytest -q -n 2 --dist loadfile pytests

# The SQL lint's report.
status=0
wait "$lint" || status=$?
cat target/lint/sqlfluff.log
exit "$status"
