"""Every check of the project, in one run (called by scripts/check.sh).

1. dbt parse, fully, in this process: deprecations (data_tests:,
   arguments:, config:) are errors. Only a full parse reports them, and a
   partial parse can drop the descriptions of singular tests (dbt-core#10801).
2. sqlfluff lint of the models and singular tests, in the background, of
   the files that changed since their last clean lint (scripts/lint.py). Its
   dbt templater parses partially from step 1's state (it runs in a work
   directory of its own, target/lint/work, so that the profile's relative
   DuckDB path is the same text as the build's, but points to a file of its
   own: the templater opens the database, and the build holds it).
3. dbt build (seeds, models, all data and unit tests) and dbt docs generate
   --static --no-compile (one self-contained HTML file), in this process,
   on the manifest of step 1: no parse again, no second start of dbt.
4. pytest, in two parts. The tests marked no_build (they need neither
   the build nor the project's parse: the seeds against the source, the
   lint cache, the check's own parse) run from the start, beside the
   parse, on the core that the parse leaves idle; their report is printed
   at the end. The others run after the build, on two workers, reusing
   the warehouse, the compiled tests and the manifest.

Exits non-zero if any step fails; the reports of the lint and of the
no_build tests come last.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from lint import Lint

PROJECT = Path(__file__).resolve().parent.parent
DEPRECATIONS_ARE_ERRORS = ["--warn-error-options", '{"error": ["Deprecations"]}']
STARTED = time.monotonic()


def step(name):
    print(f"== {name} (at {time.monotonic() - STARTED:.0f} s)", flush=True)


def dbt(runner, *args):
    step(f"dbt {' '.join(args)}")
    # no debug log file (logs/dbt.log): it costs about a tenth of a build's
    # time, and the console shows every failure
    result = runner.invoke([*args, "--log-level-file", "none"])
    if result.exception is not None:
        print(f"dbt {args[0]} failed: {result.exception}", flush=True)
    return result


def close_warehouse():
    """Closes the DuckDB file that dbt-duckdb keeps open in this process
    (one database instance per process), so that pytest can open it."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def start_lint(target):
    """sqlfluff, in the background, of the files not linted clean before."""
    lint = target / "lint"
    work = lint / "work"
    shutil.rmtree(lint, ignore_errors=True)
    (work / "target").mkdir(parents=True)
    shutil.copy2(target / "partial_parse.msgpack", lint / "partial_parse.msgpack")
    env = dict(os.environ, DBT_TARGET_PATH=str(lint), DBT_PROFILES_DIR=str(PROJECT))
    # the profile's default path, relative to the work directory
    env.pop("MENSENHANDEL_DUCKDB_PATH", None)
    return Lint(PROJECT, str(Path(sys.executable).with_name("sqlfluff")), work, env)


def pytest(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "pytest", "-q", *args, "pytests"],
                            **kwargs)


def start_early_tests(target):
    """The no_build tests, in the background; returns (process, log path)."""
    log = target / "pytest-no-build.log"
    with log.open("w") as output:
        # no cache provider: the other pytest writes .pytest_cache
        process = pytest("-p", "no:xdist", "-p", "no:cacheprovider", "-m", "no_build",
                         stdout=output, stderr=subprocess.STDOUT)
    return process, log


def main():
    os.chdir(PROJECT)
    target = PROJECT / "target"
    target.mkdir(exist_ok=True)
    early, early_log = start_early_tests(target)
    try:
        status = build_and_test(target)
        step("pytest -m no_build (started at 0 s): waiting for it")
        early_status = early.wait()
    finally:
        if early.poll() is None:
            early.kill()
    print(early_log.read_text(), end="", flush=True)
    step("done")
    return status or early_status


def build_and_test(target):
    """Steps 1 to 3, the pytest of the build, and the lint's report."""
    # imported here: the import takes seconds, and the early tests start
    # before it
    from dbt.cli.main import dbtRunner
    parsed = dbt(dbtRunner(), "parse", "--no-partial-parse", *DEPRECATIONS_ARE_ERRORS)
    if not parsed.success:
        return 1
    lint = start_lint(target)
    try:
        runner = dbtRunner(manifest=parsed.result)
        status = 0
        if not dbt(runner, "build").success:
            status = 1
        elif not dbt(runner, "docs", "generate", "--static", "--no-compile").success:
            status = 1
        else:
            close_warehouse()
            step("pytest -m 'not no_build'")
            env = dict(
                os.environ,
                MENSENHANDEL_TEST_WAREHOUSE=os.environ.get(
                    "MENSENHANDEL_DUCKDB_PATH", str(target / "mensenhandel.duckdb")),
                MENSENHANDEL_TEST_TARGET=str(target),
                MENSENHANDEL_TEST_MANIFEST=str(target / "manifest.json"),
            )
            status = pytest("-n", "2", "--dist", "loadfile", "-m", "not no_build",
                            env=env).wait()
        step("sqlfluff lint: waiting for it")
        lint_status = lint.wait()
    finally:
        lint.kill()
    return status or lint_status


if __name__ == "__main__":
    sys.exit(main())
