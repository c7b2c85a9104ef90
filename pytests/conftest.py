"""Shared fixtures: the project, a dbt runner, and a broken-copy factory.

The warehouse is built once per test session (``built``, ``warehouse``);
tests that need a broken project work on a temporary copy (``copy_project``)
so the real project and its warehouse are never touched.
"""

import csv
import json
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


def dbt_env(project_dir, db_path=None):
    """The environment of a dbt run in project_dir.

    Without db_path, dbt writes the profile's default file
    target/mensenhandel.duckdb below the working directory. The profile then
    looks the same as the one of the last build of the project, so a copy of
    the project (which carries target/partial_parse.msgpack) parses
    partially: about 4 s instead of 9 s per run.
    """
    env = dict(
        os.environ,
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(project_dir),
        DBT_LOG_LEVEL_FILE="none",  # the tests read the console output
    )
    env.pop("MENSENHANDEL_DUCKDB_PATH", None)
    if db_path is not None:
        env["MENSENHANDEL_DUCKDB_PATH"] = str(db_path)
    return env


def run_dbt(args, project_dir, db_path=None):
    """Runs dbt in project_dir (against db_path, if given)."""
    return subprocess.run(
        [DBT, *args], cwd=project_dir, env=dbt_env(project_dir, db_path),
        capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The built project, once per session: (DuckDB file, dbt target path).

    scripts/check.sh has just run `dbt build` and passes both in
    MENSENHANDEL_TEST_WAREHOUSE and MENSENHANDEL_TEST_TARGET; otherwise the
    whole project (seeds, models and tests) is built into a temporary file
    and target path, and the project's own target/ stays as it is.
    """
    database = os.environ.get("MENSENHANDEL_TEST_WAREHOUSE")
    target = os.environ.get("MENSENHANDEL_TEST_TARGET")
    if database and target and Path(database).exists() and Path(target).exists():
        return Path(database).resolve(), Path(target).resolve()
    scratch = tmp_path_factory.mktemp("warehouse")
    database, target = scratch / "warehouse.duckdb", scratch / "target"
    result = run_dbt(["build", "--target-path", str(target)], PROJECT, database)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
    return database, target


@pytest.fixture(scope="session")
def warehouse(built):
    """A read-only connection to the built warehouse."""
    con = duckdb.connect(str(built[0]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def build_manifest(built):
    """The manifest of the build, with the compiled SQL of every node."""
    return json.loads((built[1] / "manifest.json").read_text())


def warehouse_copy(built, directory):
    """A copy of the built warehouse in directory, under the same file name:
    the compiled SQL names the database (the file name) in its relations."""
    copy = directory / built[0].name
    shutil.copy(built[0], copy)
    return copy


def compiled_tests(build_manifest, parents):
    """The data tests of the build that read only nodes whose unique ids
    start with one of `parents` (e.g. "seed." for the seed tests)."""
    tests = [node for node in build_manifest["nodes"].values()
             if node["resource_type"] == "test"
             and all(parent.startswith(tuple(parents))
                     for parent in node["depends_on"]["nodes"])]
    assert tests and all(node.get("compiled_code") for node in tests), \
        "the manifest holds the build's compiled tests"
    return tests


def run_compiled_tests(con, tests):
    """Runs each test's compiled SQL, as dbt build does, on con. Returns
    ({name: message} of the tests that raise: error severity, whose
    fail_with_message raises DuckDB's error()), ({name: rows} of the tests
    that return rows: warn severity)."""
    errors, warned = {}, {}
    for node in tests:
        try:
            rows = con.execute(node["compiled_code"]).fetchall()
        except duckdb.Error as error:
            errors[node["name"]] = str(error)
            continue
        if rows:
            warned[node["name"]] = rows
    return errors, warned


def assert_raised_with(errors, fragments):
    """Every fragment is in the message of a test that raised an error
    ({test name: message}, as run_compiled_tests returns them)."""
    for fragment in fragments:
        assert any(fragment in message for message in errors.values()), (
            f"{fragment!r} not among the errors:\n" + "\n".join(errors.values()))


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


# The modules that run dbt, slowest first: pytest-xdist hands whole modules
# to its workers in collection order (--dist loadfile), so starting with
# the longest keeps the two workers evenly busy.
SLOW_MODULES = ["test_postgres", "test_publish", "test_bad_input", "test_check", "test_docs",
                "test_consistency_tests"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "no_build: needs neither the build nor the project's parse; "
        "`pytest -m no_build` runs them alone, a quick loop without dbt")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("no_build") and "built" in item.fixturenames:
            raise pytest.UsageError(f"{item.nodeid} is marked no_build but uses the build")

    def rank(item):
        name = item.module.__name__
        return SLOW_MODULES.index(name) if name in SLOW_MODULES else len(SLOW_MODULES)
    items.sort(key=rank)  # stable: the order within a module stays
