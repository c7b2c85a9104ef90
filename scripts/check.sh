#!/usr/bin/env bash
# Runs every check, from a fresh clone too (it installs what it needs):
# dbt parse (deprecations are errors), sqlfluff lint (in the background),
# dbt build with all tests, dbt docs generate --static, pytest. The steps
# are in scripts/check.py. Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --install-only
export DO_NOT_TRACK=1 DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_PROFILES_DIR=.
export PATH="$PWD/.venv/bin:$PATH"

exec python scripts/check.py
