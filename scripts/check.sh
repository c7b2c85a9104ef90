#!/usr/bin/env bash
# Runs every check, from a fresh clone too (it installs what it needs):
#   1. sqlfluff lint of models and singular tests
#   2. dbt parse with deprecations as errors (data_tests:, arguments:, config:)
#   3. dbt build: seeds, models, all data tests and unit tests
#   4. dbt docs generate --static (one self-contained HTML file)
#   5. pytest (includes the documentation check)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --install-only
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_PROFILES_DIR=.
export PATH="$PWD/.venv/bin:$PATH"

echo "== sqlfluff lint"
sqlfluff lint models tests/singular
echo "== dbt parse (deprecations are errors)"
dbt parse --warn-error-options '{"error": ["Deprecations"]}'
echo "== dbt build"
dbt build
echo "== dbt docs generate --static"
dbt docs generate --static
echo "== pytest"
MENSENHANDEL_TEST_WAREHOUSE="${MENSENHANDEL_DUCKDB_PATH:-target/mensenhandel.duckdb}" \
    python -m pytest -q -n 2 --dist loadfile pytests
