"""Builds, tests and publishes the warehouse for BI tools, safely.

    python scripts/publish.py [--published-dir published] [--wait SECONDS]

1. Takes a lock (published/.publish.lock): a second publish waits up to
   --wait seconds for it, then fails cleanly.
2. Runs `dbt build` (seeds, models, every test) into a fresh DuckDB file
   in a work directory (.build-*) next to the published one.
3. Only if every seed, model and error-severity test passed: checkpoints the
   new file, exports each mart to Parquet and CSV (with a schema file), and
   atomically replaces published/mensenhandel.duckdb and published/exports.
   Readers that hold the old file open keep reading it.
4. Otherwise the published files stay exactly as they were (same bytes), the
   fresh file is removed, and the command exits non-zero naming the failing
   seed, model or test (the build stops at the first failure).

MENSENHANDEL_DBT names another dbt executable (default: the one installed
beside this Python); the tests use it to stand in a fast fake build.

A publish killed midway (even by SIGKILL) leaves only a stray .build-* work
directory behind, which the next publish removes; the published file is untouched.
The published file is written by the pinned DuckDB 1.4 (long-term support),
which the DuckDB drivers of BI tools can open.
"""

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
MARTS = ("funnel", "demographics", "prosecution", "reconciliation")
DATABASE_NAME = "mensenhandel.duckdb"


class PublishError(Exception):
    pass


def take_lock(directory, wait):
    """An exclusive lock on the publish; released when the process ends."""
    handle = open(directory / ".publish.lock", "a+")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise PublishError(
                    "another publish is running (lock "
                    f"{directory / '.publish.lock'}); try again or pass --wait"
                )
            time.sleep(0.5)


def remove_stray_builds(directory):
    for path in directory.glob(".build-*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def run_build(workdir):
    """`dbt build` of the project into workdir/target/mensenhandel.duckdb.

    dbt runs in workdir with the profile's default (relative) path, so the
    profile is the one of the project's own builds and dbt parses partially
    from a copy of the project's partial-parse state (a profile with another
    path would make it parse everything again)."""
    target = workdir / "target"
    target.mkdir(parents=True)
    state = PROJECT / "target" / "partial_parse.msgpack"
    if state.exists():
        shutil.copy2(state, target / state.name)
    env = dict(
        os.environ,
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT),
        MENSENHANDEL_PROJECT_DIR=str(PROJECT),
    )
    env.pop("MENSENHANDEL_DUCKDB_PATH", None)
    dbt = os.environ.get("MENSENHANDEL_DBT") or str(Path(sys.executable).with_name("dbt"))
    result = subprocess.run(
        # stop at the first failure: nothing will be published anyway
        [dbt, "build", "--fail-fast", "--project-dir", str(PROJECT),
         "--target-path", str(target), "--log-path", str(workdir / "logs"),
         "--log-format-file", "json"],
        cwd=workdir, env=env, capture_output=True, text=True,
    )
    return result, target / DATABASE_NAME


FAILED = ("error", "fail", "runtime error")


def failures(target_path, log_path, output):
    """The nodes that failed, as "unique_id: message".

    From dbt's run_results.json; if dbt stopped before writing it (with
    --fail-fast, dbt-duckdb's cancelling of the other connections can end
    in "Connection already closed"), from the NodeFinished events of dbt's
    JSON log, which dbt writes as each node ends; failing both, the tail of
    dbt's output."""
    path = target_path / "run_results.json"
    if path.exists():
        results = json.loads(path.read_text())["results"]
    else:
        results = []
        if log_path.exists():
            for line in log_path.read_text().splitlines():
                event = json.loads(line)
                if event["info"]["name"] == "NodeFinished":
                    data = event["data"]
                    results.append(dict(data["run_result"],
                                        unique_id=data["node_info"]["unique_id"]))
        if not results:
            return ["dbt did not finish (no run_results.json):\n" + output[-2000:]]
    return [f"{r['unique_id']}: {' '.join((r.get('message') or r['status']).split())[:1000]}"
            for r in results if r["status"] in FAILED]


def checkpoint(database):
    con = duckdb.connect(str(database))
    con.execute("checkpoint")
    con.close()


def export_marts(database, directory, manifest_path):
    """Parquet + CSV per mart, with a schema file and a README."""
    directory.mkdir(parents=True)
    manifest = json.loads(manifest_path.read_text())
    con = duckdb.connect(str(database), read_only=True)
    schema = {}
    for mart in MARTS:
        con.execute(
            f"copy main_marts.{mart} to '{directory / (mart + '.parquet')}' "
            "(format parquet)"
        )
        con.execute(
            f"copy main_marts.{mart} to '{directory / (mart + '.csv')}' "
            "(format csv, header)"
        )
        node = manifest["nodes"][f"model.mensenhandel.{mart}"]
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main_marts' and table_name = ? "
            "order by ordinal_position", [mart]).fetchall())
        schema[mart] = {
            "description": node["description"],
            "columns": [
                {"name": name, "type": types[name],
                 "description": node["columns"].get(name, {}).get("description", "")}
                for name in types
            ],
        }
    con.close()
    (directory / "schema.json").write_text(json.dumps(schema, indent=2))
    lines = ["# Mensenhandel warehouse: exported marts", "",
             "One Parquet and one CSV file per mart; column types and "
             "descriptions in schema.json. Counts are bounds: `<5` in the "
             "report is count_low = 0, count_high = 4.", ""]
    for mart, spec in schema.items():
        lines += [f"## {mart}", "", spec["description"], ""]
        lines += [f"- `{c['name']}` ({c['type']}): {c['description']}"
                  for c in spec["columns"]]
        lines.append("")
    (directory / "README.md").write_text("\n".join(lines))


def publish(published_dir, wait):
    published_dir.mkdir(parents=True, exist_ok=True)
    lock = take_lock(published_dir, wait)
    try:
        remove_stray_builds(published_dir)
        stamp = f"{os.getpid()}-{int(time.time())}"
        workdir = published_dir / f".build-{stamp}"
        exports = published_dir / f".build-{stamp}-exports"
        try:
            result, build_db = run_build(workdir)
            target = workdir / "target"
            bad = failures(target, workdir / "logs" / "dbt.log",
                           result.stdout + result.stderr)
            if result.returncode != 0 or bad:
                raise PublishError(
                    "the build failed; nothing was published:\n  "
                    + "\n  ".join(bad or [result.stdout[-2000:]])
                )
            checkpoint(build_db)
            export_marts(build_db, exports, target / "manifest.json")
            # the database first (atomic), then the exports directory
            os.replace(build_db, published_dir / DATABASE_NAME)
            old = published_dir / ".build-old-exports"
            if (published_dir / "exports").exists():
                os.replace(published_dir / "exports", old)
            os.replace(exports, published_dir / "exports")
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(exports, ignore_errors=True)
    finally:
        lock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--published-dir",
        default=os.environ.get("MENSENHANDEL_PUBLISH_DIR", str(PROJECT / "published")),
    )
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds to wait for another publish to finish")
    args = parser.parse_args()
    try:
        publish(Path(args.published_dir).resolve(), args.wait)
    except PublishError as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    print(f"published {Path(args.published_dir) / DATABASE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
