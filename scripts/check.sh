#!/usr/bin/env bash
# Runs every check, from a fresh clone too (it installs what it needs):
#   1. sqlfluff lint of models and singular tests (in the background, beside
#      steps 2-4, with its own dbt target directory and DuckDB file)
#   2. dbt build: seeds, models, all data tests and unit tests, from a full
#      parse: only a full parse reports deprecations (data_tests:,
#      arguments:, config:), which are errors here, and partial parsing can
#      drop the descriptions of singular tests (dbt-core#10801)
#   3. dbt docs generate --static --no-compile: one self-contained HTML file
#      from the manifest of step 2 (the README's docs command also embeds
#      the compiled SQL, about 7 s more)
#   4. pytest (includes the documentation check), reusing the warehouse, the
#      compiled tests and the manifest of steps 2 and 3
# Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --install-only
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_PROFILES_DIR=.
export PATH="$PWD/.venv/bin:$PATH"

lint_dir=target/lint
mkdir -p "$lint_dir"
DBT_TARGET_PATH="$lint_dir" MENSENHANDEL_DUCKDB_PATH="$lint_dir/lint.duckdb" \
    sqlfluff lint models tests/singular >"$lint_dir/sqlfluff.log" 2>&1 &
lint_pid=$!
trap 'kill "$lint_pid" 2>/dev/null || true' EXIT

echo "== dbt build (full parse, deprecations are errors)"
dbt build --no-partial-parse --warn-error-options '{"error": ["Deprecations"]}'
echo "== dbt docs generate --static --no-compile"
dbt docs generate --static --no-compile
echo "== pytest"
MENSENHANDEL_TEST_WAREHOUSE="${MENSENHANDEL_DUCKDB_PATH:-target/mensenhandel.duckdb}" \
MENSENHANDEL_TEST_TARGET=target MENSENHANDEL_TEST_MANIFEST=target/manifest.json \
    python -m pytest -q -n 2 --dist loadfile pytests

echo "== sqlfluff lint"
lint_status=0
wait "$lint_pid" || lint_status=$?
trap - EXIT
cat "$lint_dir/sqlfluff.log"
exit "$lint_status"
