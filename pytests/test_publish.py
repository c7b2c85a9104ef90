"""scripts/publish.py: publishes only what passed, atomically, beside
readers, once at a time; a failed or killed publish leaves the published
file as it was. Runs on a temporary copy of the project.

The successful and the killed publish stand in a fake dbt
(MENSENHANDEL_DBT) whose "build" is a copy of the session's warehouse (or
half of one, for the kill): a real build costs about 20 s. The failed
publish runs the real dbt."""

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import PROJECT, copy_project, read_seed, write_seed


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(project, published, *args, env=None):
    return subprocess.run(
        [sys.executable, str(project / "scripts" / "publish.py"),
         "--published-dir", str(published), *args],
        capture_output=True, text=True, env=env,
    )


FAKE_DBT = """#!{python}
# `dbt build ... --target-path T`: the warehouse at T/mensenhandel.duckdb
# (where the profile puts it, relative to the working directory), a passing
# run_results.json and a manifest with the marts
import json, shutil, sys
from pathlib import Path
target = Path(sys.argv[sys.argv.index("--target-path") + 1])
shutil.copy({database!r}, target / "mensenhandel.duckdb")
(target / "run_results.json").write_text(json.dumps({{"results": []}}))
nodes = {{f"model.mensenhandel.{{m}}": {{"description": m, "columns": {{}}}}
         for m in ("funnel", "demographics", "prosecution", "reconciliation")}}
(target / "manifest.json").write_text(json.dumps({{"nodes": nodes}}))
"""


# `dbt build ... --target-path T` that is midway: it has written half of
# the warehouse file, then works on (until it is killed)
STALLED_DBT = """#!{python}
import sys, time
from pathlib import Path
target = Path(sys.argv[sys.argv.index("--target-path") + 1])
data = Path({database!r}).read_bytes()
(target / "mensenhandel.duckdb").write_bytes(data[: len(data) // 2])
time.sleep(120)
"""


def fake_dbt(directory, database, script=FAKE_DBT, name="fake-dbt"):
    path = directory / name
    path.write_text(script.format(python=sys.executable, database=str(database)))
    path.chmod(0o755)
    return path


READER = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from main_marts.funnel").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from main_marts.funnel").fetchone()[0], flush=True)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, built):
    """A project copy, and one publish (publish.py itself, with the fake
    dbt's build) over an earlier one that a reader holds open.

    The earlier publish is a stand-in: a DuckDB file whose funnel has one
    row, and an exports directory with a marker file."""
    root = tmp_path_factory.mktemp("publish")
    project = copy_project(root)
    published = root / "published"
    (published / "exports").mkdir(parents=True)
    (published / "exports" / "earlier.txt").write_text("the earlier publish")
    con = duckdb.connect(str(published / "mensenhandel.duckdb"))
    con.execute("create schema main_marts")
    con.execute("create table main_marts.funnel as select 1 as stage")
    con.close()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published / "mensenhandel.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    before = reader.stdout.readline().strip()
    env = dict(os.environ, MENSENHANDEL_DBT=str(fake_dbt(root, built[0])))
    result = publish(project, published, env=env)
    after, _ = reader.communicate("\n", timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    return project, published, (before, after.strip())


def test_published_file_serves_the_marts(site):
    _, published, _ = site
    con = duckdb.connect(str(published / "mensenhandel.duckdb"), read_only=True)
    assert con.execute(
        "select count_low from main_marts.funnel "
        "where year = 2022 and stage = 'reported_victims'").fetchone() == (814,)
    # written by the pinned DuckDB, the 1.4 long-term-support line
    assert duckdb.__version__.startswith("1.4.")
    con.close()
    assert not list(published.glob("*.wal"))
    assert not list(published.glob(".build-*")), "the work directory is removed"


def test_exports_one_file_per_mart(site):
    _, published, _ = site
    exports = published / "exports"
    for mart in ("funnel", "demographics", "prosecution", "reconciliation"):
        parquet = duckdb.sql(
            f"select count(*) from '{exports / (mart + '.parquet')}'").fetchone()[0]
        csv = duckdb.sql(
            f"select count(*) from read_csv('{exports / (mart + '.csv')}')").fetchone()[0]
        assert parquet == csv > 0
    assert "count_low" in (exports / "schema.json").read_text()
    assert (exports / "README.md").exists()
    assert not (exports / "earlier.txt").exists(), "the exports are replaced whole"


def test_publish_beside_an_open_reader(site):
    """A reader of the earlier file reads it on, undisturbed, after the
    publish has replaced it."""
    _, _, (before, after) = site
    assert before == after == "1"


def test_failed_publish_leaves_the_published_file_alone(site):
    project, published, _ = site
    before = sha256(published / "mensenhandel.duckdb")
    exports_before = sha256(published / "exports" / "funnel.parquet")
    path = project / "seeds" / "comensha__criminal_exploitation_by_age.csv"
    original = path.read_text()
    rows = read_seed(path)
    rows[0]["published_value"] = "< 5"
    write_seed(path, rows)
    try:
        result = publish(project, published)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert "nothing was published" in result.stderr
    assert "valid_published_count_comensha__criminal_exploitation_by_age" in result.stderr
    assert "'< 5'" in result.stderr
    assert sha256(published / "mensenhandel.duckdb") == before
    assert sha256(published / "exports" / "funnel.parquet") == exports_before
    assert not list(published.glob(".build-*"))


def test_second_publish_fails_cleanly_while_one_runs(site):
    project, published, _ = site
    before = sha256(published / "mensenhandel.duckdb")
    with open(published / ".publish.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = publish(project, published, "--wait", "1")
    assert result.returncode == 1
    assert "another publish is running" in result.stderr
    assert sha256(published / "mensenhandel.duckdb") == before


def test_killed_publish_leaves_the_published_file_intact(site, built, tmp_path):
    """SIGKILL while dbt writes the new warehouse (a stand-in dbt, stalled
    midway): the published file stays as it was, and the next publish
    removes the stray work directory."""
    project, published, _ = site
    before = sha256(published / "mensenhandel.duckdb")
    env = dict(os.environ, MENSENHANDEL_DBT=str(
        fake_dbt(tmp_path, built[0], STALLED_DBT, "stalled-dbt")))
    process = subprocess.Popen(
        [sys.executable, str(project / "scripts" / "publish.py"),
         "--published-dir", str(published)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, env=env,
    )
    deadline = time.monotonic() + 60
    building = ".build-*/target/mensenhandel.duckdb"
    while not list(published.glob(building)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(published.glob(building)), "the build never started"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert sha256(published / "mensenhandel.duckdb") == before
    con = duckdb.connect(str(published / "mensenhandel.duckdb"), read_only=True)
    assert con.execute("select count(*) from main_marts.demographics").fetchone()[0] > 0
    con.close()
    assert list(published.glob(".build-*")), "the killed publish left its work directory"
    env["MENSENHANDEL_DBT"] = str(fake_dbt(tmp_path, built[0]))
    result = publish(project, published, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list(published.glob(".build-*"))


@pytest.mark.no_build
def test_failures_are_named_when_dbt_stops_before_its_results(tmp_path):
    """With --fail-fast, dbt can end in an error of its own before it writes
    run_results.json; the failing test is then read from dbt's JSON log
    (the events below are trimmed copies of what dbt 1.11 writes)."""
    sys.path.insert(0, str(PROJECT / "scripts"))
    import publish as script
    log = tmp_path / "dbt.log"
    events = [
        {"info": {"name": "MainReportVersion"}, "data": {"version": "=1.11.16"}},
        {"info": {"name": "NodeFinished"}, "data": {
            "node_info": {"unique_id": "seed.mensenhandel.x"},
            "run_result": {"status": "success", "message": "INSERT 20"}}},
        {"info": {"name": "NodeFinished"}, "data": {
            "node_info": {"unique_id": "test.mensenhandel.valid_published_count_x.d03a"},
            "run_result": {"status": "error", "message":
                           "Runtime Error in test valid_published_count_x\n"
                           "  Invalid Input Error: 1 failure(s). x: row (year=2018) "
                           "has published_value = '< 5'"}}},
    ]
    log.write_text("\n".join(json.dumps(event) for event in events) + "\n")
    output = "Encountered an error:\nConnection Error: Connection already closed!\n"
    assert script.failures(tmp_path, log, output) == [
        "test.mensenhandel.valid_published_count_x.d03a: Runtime Error in test "
        "valid_published_count_x Invalid Input Error: 1 failure(s). x: row "
        "(year=2018) has published_value = '< 5'"]
    # no results and no log: the tail of dbt's output
    assert script.failures(tmp_path, tmp_path / "missing.log", output) == [
        "dbt did not finish (no run_results.json):\n" + output]
