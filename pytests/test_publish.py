"""scripts/publish.py: publishes only what passed, atomically, beside
readers, once at a time; a failed or killed publish leaves the published
file as it was. Runs on a temporary copy of the project."""

import fcntl
import hashlib
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import copy_project, read_seed, write_seed


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(project, published, *args):
    return subprocess.run(
        [sys.executable, str(project / "scripts" / "publish.py"),
         "--published-dir", str(published), *args],
        capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A project copy with one successful publish."""
    root = tmp_path_factory.mktemp("publish")
    project = copy_project(root)
    published = root / "published"
    result = publish(project, published)
    assert result.returncode == 0, result.stderr[-3000:]
    return project, published


def test_published_file_serves_the_marts(site):
    _, published = site
    con = duckdb.connect(str(published / "mensenhandel.duckdb"), read_only=True)
    assert con.execute(
        "select count_low from main_marts.funnel "
        "where year = 2022 and stage = 'reported_victims'").fetchone() == (814,)
    # written by the pinned DuckDB, the 1.4 long-term-support line
    assert duckdb.__version__.startswith("1.4.")
    con.close()
    assert not list(published.glob("*.wal"))


def test_exports_one_file_per_mart(site):
    _, published = site
    exports = published / "exports"
    for mart in ("funnel", "demographics", "prosecution"):
        parquet = duckdb.sql(
            f"select count(*) from '{exports / (mart + '.parquet')}'").fetchone()[0]
        csv = duckdb.sql(
            f"select count(*) from read_csv('{exports / (mart + '.csv')}')").fetchone()[0]
        assert parquet == csv > 0
    assert "count_low" in (exports / "schema.json").read_text()
    assert (exports / "README.md").exists()


def test_publish_beside_an_open_reader(site):
    project, published = site
    reader = subprocess.Popen(
        [sys.executable, "-c", (
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(published / 'mensenhandel.duckdb')!r}, read_only=True)\n"
            "print(con.execute('select count(*) from main_marts.funnel').fetchone()[0], flush=True)\n"
            "sys.stdin.readline()\n"
            "print(con.execute('select count(*) from main_marts.funnel').fetchone()[0], flush=True)\n"
        )],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    before = reader.stdout.readline().strip()
    result = publish(project, published)
    after, _ = reader.communicate("\n", timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert before == after.strip() != ""


def test_failed_publish_leaves_the_published_file_alone(site):
    project, published = site
    before = sha256(published / "mensenhandel.duckdb")
    exports_before = sha256(published / "exports" / "funnel.parquet")
    path = project / "seeds" / "wodc__prosecution_disposals.csv"
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
    assert "valid_published_count_wodc__prosecution_disposals" in result.stderr
    assert "'< 5'" in result.stderr
    assert sha256(published / "mensenhandel.duckdb") == before
    assert sha256(published / "exports" / "funnel.parquet") == exports_before
    assert not list(published.glob(".build-*"))


def test_second_publish_fails_cleanly_while_one_runs(site):
    project, published = site
    before = sha256(published / "mensenhandel.duckdb")
    with open(published / ".publish.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = publish(project, published, "--wait", "1")
    assert result.returncode == 1
    assert "another publish is running" in result.stderr
    assert sha256(published / "mensenhandel.duckdb") == before


def test_killed_publish_leaves_the_published_file_intact(site):
    project, published = site
    before = sha256(published / "mensenhandel.duckdb")
    process = subprocess.Popen(
        [sys.executable, str(project / "scripts" / "publish.py"),
         "--published-dir", str(published)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(published.glob(".build-*.duckdb")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(published.glob(".build-*.duckdb")), "the build never started"
    time.sleep(2)
    import os
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert sha256(published / "mensenhandel.duckdb") == before
    con = duckdb.connect(str(published / "mensenhandel.duckdb"), read_only=True)
    assert con.execute("select count(*) from main_marts.demographics").fetchone()[0] > 0
    con.close()
