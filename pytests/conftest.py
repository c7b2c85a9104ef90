"""Shared fixtures: the project, a dbt runner, and a broken-copy factory.

The warehouse is built once per test session (``warehouse``); tests that need
a broken project work on a temporary copy (``project_copy``) so the real
project and its warehouse are never touched.
"""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = PROJECT / "sources"
DBT = str(Path(sys.executable).with_name("dbt"))
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "logs", "*.duckdb", "*.duckdb.wal", "__pycache__",
    ".pytest_cache", "compiled", "run", "run_results.json", "manifest.json",
)


def run_dbt(args, project_dir, db_path):
    """Runs dbt in project_dir against the DuckDB file db_path."""
    env = dict(
        os.environ,
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(project_dir),
        MENSENHANDEL_DUCKDB_PATH=str(db_path),
    )
    return subprocess.run(
        [DBT, *args], cwd=project_dir, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory):
    """A read-only connection to a built warehouse, once per session.

    scripts/check.sh has just run `dbt build` and passes the file in
    MENSENHANDEL_TEST_WAREHOUSE; otherwise the seeds and models are built
    into a temporary file.
    """
    prebuilt = os.environ.get("MENSENHANDEL_TEST_WAREHOUSE")
    if prebuilt and Path(prebuilt).exists():
        db_path = Path(prebuilt)
    else:
        db_path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
        result = run_dbt(
            ["build", "--resource-type", "seed", "--resource-type", "model"],
            PROJECT,
            db_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    con = duckdb.connect(str(db_path), read_only=True)
    yield con
    con.close()


def copy_project(parent):
    """A throw-away copy of the project below parent; returns its path."""
    copy = parent / "project"
    shutil.copytree(PROJECT, copy, ignore=COPY_IGNORE)
    return copy


def break_seeds(project, cases):
    """Applies each (seed, mutation of its rows) to the project's seeds."""
    seeds = []
    for seed, mutate in cases:
        path = project / "seeds" / f"{seed}.csv"
        write_seed(path, mutate(read_seed(path)))
        seeds.append(seed)
    return seeds


def assert_failed_with(result, fragments):
    """The dbt run failed, and its output holds every fragment."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output[-4000:]}"


def read_seed(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_seed(path, rows, fieldnames=None):
    fieldnames = fieldnames or list(rows[0].keys())
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
