"""scripts/publish.py, tried as maintainers and BI clients really use it
(docs/publishing.md): releases switched atomically beside readers, no WAL
or work directory that outlives its publish, no process that outlives a
killed publish, every failure named on `publish:` lines, the same exports
from the same seeds, and seeds saved by a spreadsheet checked before the
build. Runs on temporary copies of the project, with real processes.

Most publishes stand in a fake dbt (MENSENHANDEL_DBT) whose "build" is a
copy of the session's warehouse with the rows of every mart shuffled; the
publish that must list every failing seed test runs the real dbt."""

import csv
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT, copy_project, read_seed, write_seed

sys.path.insert(0, str(PROJECT / "scripts"))
import publish as script  # noqa: E402

DATABASE = "mensenhandel.duckdb"


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def publish(project, published, *args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, str(project / "scripts" / "publish.py"),
         "--published-dir", str(published), *args],
        capture_output=True, text=True, env=env, timeout=120, **kwargs,
    )


def start_publish(project, published, env):
    """A publish in a session of its own (as from a terminal of its own)."""
    return subprocess.Popen(
        [sys.executable, str(project / "scripts" / "publish.py"),
         "--published-dir", str(published)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env=env,
    )


FAKE_DBT = """#!{python}
# `dbt build ... --target-path T`: the session's warehouse at
# T/mensenhandel.duckdb (where the profile puts it, relative to the working
# directory) with the rows of every mart in a new random order, its
# manifest, and a passing run_results.json
import json, shutil, sys
from pathlib import Path
import duckdb
target = Path(sys.argv[sys.argv.index("--target-path") + 1])
database = target / "mensenhandel.duckdb"
shutil.copy({database!r}, database)
con = duckdb.connect(str(database))
for (mart,) in con.execute("select table_name from information_schema.tables "
                           "where table_schema = 'main_marts'").fetchall():
    con.execute(f"create or replace table main_marts.{{mart}} as "
                f"select * from main_marts.{{mart}} order by random()")
con.close()
shutil.copy({manifest!r}, target / "manifest.json")
(target / "run_results.json").write_text(json.dumps({{"results": []}}))
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


def fake_dbt(directory, stand_in, script=FAKE_DBT, name="fake-dbt"):
    path = directory / name
    path.write_text(script.format(python=sys.executable, database=str(stand_in[0]),
                                  manifest=str(stand_in[1])))
    path.chmod(0o755)
    return path


def fake_env(directory, stand_in, script=FAKE_DBT, name="fake-dbt"):
    return dict(os.environ, MENSENHANDEL_DBT=str(fake_dbt(directory, stand_in, script, name)))


@pytest.fixture(scope="module")
def stand_in(built, tmp_path_factory):
    """What the fake dbt builds: the session's warehouse as a file named as
    dbt names it, mensenhandel.duckdb, with its views as tables (a view's
    SQL names the file it was built in), and the build's manifest."""
    database = tmp_path_factory.mktemp("stand_in") / DATABASE
    con = duckdb.connect()
    con.execute(f"attach '{built[0]}' as \"{built[0].stem}\" (read_only)")
    con.execute(f"attach '{database}' as stand_in")
    for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = ? order by all", [built[0].stem]).fetchall():
        con.execute(f"create schema if not exists stand_in.{schema}")
        con.execute(f"create table stand_in.{schema}.{name} as "
                    f"select * from \"{built[0].stem}\".{schema}.{name}")
    con.close()
    return database, built[1] / "manifest.json"


READER = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from main_marts.funnel").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from main_marts.funnel").fetchone()[0], flush=True)
"""


def start_reader(path):
    """A BI client that opens path read-only and reads the funnel; it reads
    again when told (its stdin gets a line)."""
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return reader, reader.stdout.readline().strip()


def funnel_rows(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from main_marts.funnel").fetchone()[0]
    finally:
        con.close()


def tables(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {name for (name,) in con.execute(
            "select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()


def state(published):
    """What readers see: where current points, the published file's bytes."""
    return os.readlink(published / "current"), sha256(published / DATABASE)


def stray(published):
    return sorted(p.name for p in published.glob(".build-*"))


def build_processes(marker):
    """The live processes whose command line holds marker, and the live
    members of their process groups (zombies, which no parent reaped yet,
    are not processes that run)."""
    live = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            live[int(stat.parent.name)] = (int(fields[2]), cmdline)
    groups = {pgid for pgid, cmdline in live.values() if marker in cmdline}
    return sorted(pid for pid, (pgid, cmdline) in live.items()
                  if marker in cmdline or pgid in groups)


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    return predicate()


@pytest.fixture(scope="module")
def site(tmp_path_factory, stand_in):
    """A project copy, and one publish (publish.py itself, with the fake
    dbt's build) over a publish of the layout before releases: a DuckDB
    file whose funnel has three rows, an exports directory with a marker
    file, and a WAL a crashed client left beside the file (deleting a
    funnel row), which a reader holds open."""
    root = tmp_path_factory.mktemp("publish")
    project = copy_project(root)
    published = root / "published"
    (published / "exports").mkdir(parents=True)
    (published / "exports" / "earlier.txt").write_text("the earlier publish")
    con = duckdb.connect(str(published / DATABASE))
    con.execute("create schema main_marts")
    con.execute("create table main_marts.funnel as select range as stage from range(3)")
    con.close()
    crash_writing(published / DATABASE)
    reader, before = start_reader(published / DATABASE)
    env = fake_env(root, stand_in)
    result = publish(project, published, env=env)
    after, _ = reader.communicate("\n", timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    return project, published, env, (before, after.strip())


CRASHED_WRITER = """
import duckdb, os, sys
path = sys.argv[1]
os.chmod(os.path.realpath(path), 0o644)  # the publish leaves it read-only
con = duckdb.connect(path)
con.execute("set checkpoint_threshold = '1TB'")  # everything stays in the WAL
con.execute("create table main_marts.scratch as select 42 as answer")
con.execute("delete from main_marts.funnel where rowid % 5 = 0")
os._exit(9)  # crashes: no checkpoint, the WAL stays beside path
"""


def crash_writing(path):
    """A read-write client of path that writes and crashes, leaving its
    WAL beside path; returns the WAL's path."""
    subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(path)], check=False)
    wal = Path(str(path) + ".wal")
    assert wal.exists(), "the crashed client left a WAL"
    return wal


def test_publish_switches_to_a_release_beside_an_open_reader(site):
    """The first publish replaces the layout before releases: one directory
    per release, current switched to it, the paths BI tools open as links
    through current; a reader of the earlier file reads it on, undisturbed;
    the earlier WAL and work directories are gone."""
    _, published, _, (before, after) = site
    assert before == after == "2"
    release = os.readlink(published / "current")
    assert release.startswith("releases/") and (published / release / DATABASE).is_file()
    assert os.readlink(published / DATABASE) == f"current/{DATABASE}"
    assert os.readlink(published / "exports") == "current/exports"
    con = duckdb.connect(str(published / DATABASE), read_only=True)
    assert con.execute(
        "select count_low from main_marts.funnel "
        "where year = 2022 and stage = 'reported_victims'").fetchone() == (814,)
    con.close()
    # written by the pinned DuckDB, the 1.4 long-term-support line
    assert duckdb.__version__.startswith("1.4.")
    assert not list(published.rglob("*.wal")), "no WAL beside any published file"
    assert stray(published) == []
    assert not (published / "exports" / "earlier.txt").exists(), "exports replaced whole"


def test_exports_one_file_per_mart_with_their_provenance(site):
    _, published, _, _ = site
    exports = published / "exports"
    con = duckdb.connect(str(published / DATABASE), read_only=True)
    marts = [name for (name,) in con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'main_marts' order by 1").fetchall()]
    con.close()
    assert {"funnel", "demographics", "prosecution", "reconciliation"} <= set(marts)
    for mart in marts:
        parquet = duckdb.sql(
            f"select count(*) from '{exports / (mart + '.parquet')}'").fetchone()[0]
        csv_rows = duckdb.sql(
            f"select count(*) from read_csv('{exports / (mart + '.csv')}')").fetchone()[0]
        assert parquet == csv_rows
    assert "count_low" in (exports / "schema.json").read_text()
    assert (exports / "README.md").exists()
    release = json.loads((exports / "release.json").read_text())
    assert release["editions"] == [2022]
    assert release["source_commit"] == "unknown", "the project copy is no git checkout"
    assert release["sha256"] == {p.name: sha256(p) for p in exports.iterdir()
                                 if p.name != "release.json"}
    # the release's directory is named after its content
    assert os.readlink(published / "current").endswith(
        "-" + hashlib.sha256(json.dumps(release["sha256"]).encode()).hexdigest()[:12])


def test_same_seeds_give_identical_exports(site, tmp_path):
    """A second publish of the same seeds, whose build wrote every mart in
    another row order: byte-identical exports (Parquet, CSV, schema,
    README, open-data files, release.json); the release's name differs only
    in its time. A reader holds the published file open across the publish."""
    project, published, env, _ = site
    first = {p.name: sha256(p) for p in (published / "exports").iterdir()}
    first_release = os.readlink(published / "current")
    reader, before = start_reader(published / DATABASE)
    result = publish(project, published, env=env)
    after, _ = reader.communicate("\n", timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert before == after.strip()
    assert os.readlink(published / "current") != first_release
    second = {p.name: sha256(p) for p in (published / "exports").iterdir()}
    assert second == first
    assert first_release.rsplit("-", 1)[1] == os.readlink(published / "current").rsplit("-", 1)[1]


def test_wal_beside_the_published_file_does_not_reach_the_next_release(site):
    """Read-write clients that crashed, one through published/mensenhandel.duckdb
    (its WAL beside that link) and one through current/ (its WAL in that
    release's directory): each WAL changes what readers of that path see,
    until the next publish; readers of the new release see the marts as
    built. The previous release stays, older ones go."""
    project, published, env, _ = site
    rows = funnel_rows(published / DATABASE)
    crash_writing(published / DATABASE)
    assert funnel_rows(published / DATABASE) < rows, "the WAL is replayed by readers"
    assert "scratch" in tables(published / DATABASE)
    crash_writing(published / "current" / DATABASE)
    previous = os.readlink(published / "current")
    result = publish(project, published, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    for path in (published / DATABASE, published / "current" / DATABASE):
        assert funnel_rows(path) == rows == 45
        assert "scratch" not in tables(path)
    assert not (published / (DATABASE + ".wal")).exists()
    releases = sorted(p.name for p in (published / "releases").iterdir())
    assert releases == sorted([previous.split("/")[1],
                               os.readlink(published / "current").split("/")[1]])


HOLDING_WRITER = """
import duckdb, os, sys
os.chmod(os.path.realpath(sys.argv[1]), 0o644)
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
"""


def test_publish_refuses_while_a_client_holds_the_file_read_write(site):
    """Its WAL would land beside the link and follow the next release: the
    publish fails before building, naming the holder and the remedy."""
    project, published, env, _ = site
    before = state(published)
    writer = subprocess.Popen([sys.executable, "-c", HOLDING_WRITER, str(published / DATABASE)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        result = publish(project, published, env=env)
    finally:
        writer.communicate("\n", timeout=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"publish: a client has {published / DATABASE} open read-write (it holds "
        "DuckDB's write lock); close it and publish again (BI tools open the file "
        "read-only)"]
    assert state(published) == before
    assert stray(published) == []


def test_second_publish_fails_cleanly_while_one_runs(site):
    project, published, _, _ = site
    before = state(published)
    with open(published / ".publish.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = publish(project, published, "--wait", "0.5")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"publish: another publish is running (lock {published / '.publish.lock'}); "
        "wait for it, or pass --wait SECONDS"]
    assert state(published) == before


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_killed_publish_stops_its_build(site, stand_in, tmp_path, signum):
    """A signal while dbt writes the new warehouse (a stand-in dbt, stalled
    midway): no process of the build survives the publish, the published
    release is untouched; SIGTERM and Ctrl-C (SIGINT) end in one line and
    leave no work directory, SIGKILL leaves one that the next publish
    removes, and nothing re-creates one after that."""
    project, published, env, _ = site
    before = state(published)
    stalled = fake_dbt(tmp_path, stand_in, STALLED_DBT, "stalled-dbt")
    process = start_publish(project, published, dict(env, MENSENHANDEL_DBT=str(stalled)))
    assert wait_for(lambda: list(published.glob(f".build-*/target/{DATABASE}"))), \
        "the build never started"
    assert build_processes(str(stalled)), "dbt runs"
    os.killpg(process.pid, signum)  # the publish's own process group only
    _, stderr = process.communicate(timeout=30)
    assert wait_for(lambda: not build_processes(str(stalled)), 10), \
        f"processes of the build outlived the publish: {build_processes(str(stalled))}"
    assert state(published) == before
    if signum == signal.SIGKILL:
        assert stray(published), "the killed publish left its work directory"
    else:
        name = signal.Signals(signum).name
        assert process.returncode == 128 + signum
        assert stderr.splitlines() == [
            f"publish: interrupted by {name}; nothing was published; the published "
            "warehouse is unchanged"]
        assert stray(published) == []
    result = publish(project, published, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    time.sleep(0.5)
    assert stray(published) == []


def test_kills_at_several_moments(site):
    """SIGKILL at spread moments of a whole publish (build, checkpoint,
    exports, switch): readers always find a complete release through
    current, no process of the publish survives, and the next publish
    leaves only the current and the previous release, no work directory."""
    project, published, env, _ = site
    started = time.monotonic()
    assert publish(project, published, env=env).returncode == 0
    duration = time.monotonic() - started
    marker = env["MENSENHANDEL_DBT"]
    for fraction in (0.2, 0.45, 0.7, 0.85, 0.95):
        process = start_publish(project, published, env)
        time.sleep(duration * fraction)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert wait_for(lambda: not build_processes(marker), 10), build_processes(marker)
        current = published / "current"
        assert (current / DATABASE).is_file() and (current / "exports" / "release.json").is_file()
        assert funnel_rows(published / DATABASE) == 45
    result = publish(project, published, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert stray(published) == []
    assert len(list((published / "releases").iterdir())) == 2


def without_root_override():
    """A command prefix that runs a process as one for whom permissions
    count: as root, without the capabilities that ignore them."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root, and no setpriv to drop root's override")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.no_build
@pytest.mark.parametrize("case", ["read_only_directory", "parent_not_writable"])
def test_published_directory_not_writable(case, tmp_path):
    """One line naming the path and the remedy, no traceback; the published
    file keeps its bytes."""
    (tmp_path / "project" / "scripts").mkdir(parents=True)
    for name in ("publish.py", "open_data.py"):
        shutil.copy(PROJECT / "scripts" / name, tmp_path / "project" / "scripts")
    parent = tmp_path / "readonly"
    published = parent / "published"
    published.mkdir(parents=True)
    duckdb.connect(str(published / DATABASE)).close()
    before = sha256(published / DATABASE)
    if case == "read_only_directory":
        target, refused = published, published / ".publish.lock"
    else:
        target = refused = parent / "new"
    for path in (published, parent):
        path.chmod(0o555)
    try:
        result = subprocess.run(
            [*without_root_override(), sys.executable,
             str(tmp_path / "project" / "scripts" / "publish.py"), "--published-dir", str(target)],
            capture_output=True, text=True, timeout=60)
    finally:
        for path in (parent, published):
            path.chmod(0o755)
    user = script.pwd.getpwuid(os.geteuid()).pw_name
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"publish: permission denied on {refused}: make {target} writable for user "
        f"{user}, or publish elsewhere with --published-dir; the published warehouse "
        "is unchanged"]
    assert sha256(published / DATABASE) == before


# Three independent mistakes in three seeds, each found by a seed test
THREE_MISTAKES = {
    "comensha__criminal_exploitation_by_age":
        lambda rows: [dict(r, published_value="< 5") if i == 0 else r
                      for i, r in enumerate(rows)],
    "comensha__victims_by_gender":
        lambda rows: [dict(r, gender="mael") if (r["year"], r["gender"], r["form"])
                      == ("2018", "male", "all") else r for r in rows],
    "comensha__labour_exploitation_sectors":
        lambda rows: rows + [r for r in rows
                             if (r["year"], r["sector"]) == ("2021", "wholesale_retail")],
}


def test_every_failing_seed_is_reported_the_same_on_every_run(site, tmp_path):
    """The real dbt, two publishes of the same broken seeds (at once, into
    two published directories): each lists all three mistakes, with file,
    line, key and problem, in the same words and order; nothing is
    published."""
    _, published, _, _ = site
    before = state(published)
    project = copy_project(tmp_path)
    for seed, mistake in THREE_MISTAKES.items():
        path = project / "seeds" / f"{seed}.csv"
        write_seed(path, mistake(read_seed(path)))
    runs = [subprocess.Popen(
        [sys.executable, str(project / "scripts" / "publish.py"), "--published-dir", str(p)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for p in (published, tmp_path / "other")]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [1, 1], outputs[0][1][-3000:]
    lines = outputs[0][1].splitlines()
    assert outputs[1][1].splitlines() == lines
    assert all(line.startswith("publish: ") for line in lines), lines
    assert lines[-1] == f"publish: the build failed ({len(lines) - 1} problems); " \
        "nothing was published"
    for expected in [
        "publish: seeds/comensha__criminal_exploitation_by_age.csv:2: row (edition=2022, "
        "year=2018, age_group=minor) has published_value = '< 5', which is neither a whole "
        "number nor <5 (test valid_published_count)",
        "publish: seeds/comensha__victims_by_gender.csv:2: row (edition=2022, year=2018, "
        "gender=mael, form=all) has gender 'mael', not a code of gender in nrm__codes "
        "(test known_codes)",
        "publish: seeds/comensha__labour_exploitation_sectors.csv:",
    ]:
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    duplicate = next(line for line in lines if "labour_exploitation_sectors" in line)
    assert "key (edition=2022, year=2021, sector=wholesale_retail) occurs 2 times" in duplicate
    assert duplicate.split(":")[2].count(",") == 1, "both lines of the key"
    assert state(published) == before
    assert stray(published) == [] and stray(tmp_path / "other") == []


def spreadsheet_save(path, encoding="utf-8", delimiter=",", change=None):
    """Rewrites a seed as a spreadsheet would save it: its encoding, its
    delimiter, and change(header, rows) applied to the cells."""
    with open(path, newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    if change:
        change(header, rows)
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])


def set_column(column, value, where=lambda i, row: True):
    def change(header, rows):
        for i, row in enumerate(rows):
            if where(i, row):
                row[header.index(column)] = value(row[header.index(column)])
    return change


def spreadsheet_mistakes(project):
    """One seed per mistake a Dutch-locale Excel or LibreOffice makes on
    save; returns {seed: fragment of the expected message}."""
    seeds = project / "seeds"
    # the encoding: plain "CSV" saves Windows-1252 (the é of a label)
    spreadsheet_save(seeds / "nrm__codes.csv", encoding="cp1252")
    # the delimiter: semicolons (and a decimal comma goes unquoted with them)
    spreadsheet_save(seeds / "nrm__populations.csv", delimiter=";")
    # a decimal comma in the one double column
    spreadsheet_save(seeds / "nrm__key_figures.csv", change=set_column(
        "value", lambda v: "0,5", where=lambda i, row: i == 1))
    # a thousands separator in an integer column, which DuckDB would read as 2
    spreadsheet_save(seeds / "comensha__victims_by_form.csv", change=set_column(
        "edition", lambda v: "2.022", where=lambda i, row: i == 4))
    # Dutch booleans in every row
    spreadsheet_save(seeds / "wodc__court_decisions.csv", change=set_column(
        "is_uncertain", lambda v: "WAAR" if v == "true" else "ONWAAR"))
    # empty rows saved at the end, and an empty column
    spreadsheet_save(seeds / "wodc__prosecution_disposals.csv", change=lambda header, rows: (
        rows.extend([[""] * len(header)] * 2)))
    spreadsheet_save(seeds / "emm__police_suspects_by_gender_age.csv", change=lambda h, rows: (
        h.append(""), [row.append("") for row in rows]))
    # UTF-8 opened as Windows-1252 and saved again: a garbled label
    spreadsheet_save(seeds / "comensha__victims_by_origin.csv", change=lambda header, rows: [
        row.__setitem__(j, cell.encode("utf-8").decode("cp1252"))
        for row in rows for j, cell in enumerate(row) if not cell.isascii()])
    # fine: a byte-order mark ("CSV UTF-8") and Windows line endings
    spreadsheet_save(seeds / "comensha__victims_by_gender.csv", encoding="utf-8-sig")
    return {
        "nrm__codes": "nrm__codes.csv:32: label_nl: 'Azië' is not UTF-8",
        "nrm__populations": "nrm__populations.csv:1: the columns are separated by "
                            "semicolons, not commas",
        "nrm__key_figures": "nrm__key_figures.csv:3: value: '0,5' is in Dutch number "
                            "format; write 0.5",
        "comensha__victims_by_form": "comensha__victims_by_form.csv:6: edition: '2.022' is "
                                     "in Dutch number format; write 2022",
        "wodc__court_decisions": "wodc__court_decisions.csv:2: is_uncertain: 'ONWAAR' is a "
                                 "Dutch spreadsheet's word for false; write true or false "
                                 "(also lines 3-25)",
        "wodc__prosecution_disposals": "wodc__prosecution_disposals.csv:17: an empty row",
        "emm__police_suspects_by_gender_age": "emm__police_suspects_by_gender_age.csv:1: "
                                              "column 10: a column without a name",
        "comensha__victims_by_origin": "comensha__victims_by_origin.csv:",
    }


def test_spreadsheet_mistakes_are_named_before_the_build(site, tmp_path):
    """A seed of each class of spreadsheet mistake: the publish fails in a
    second, before building, with one line per mistake naming file, line,
    column and problem; the byte-order mark and Windows line endings pass;
    the published warehouse is untouched."""
    _, published, env, _ = site
    before = state(published)
    project = copy_project(tmp_path)
    expected = spreadsheet_mistakes(project)
    started = time.monotonic()
    result = publish(project, published, env=env)
    assert time.monotonic() - started < 10, "no build"
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and all(line.startswith("publish: seeds/") for line in lines[:-1])
    assert lines[-1] == f"publish: {len(lines) - 1} problems in the seed files; " \
        "nothing was built or published"
    for fragment in expected.values():
        assert any(line.startswith(f"publish: seeds/{fragment}") for line in lines), (
            fragment, lines)
    assert "garbled UTF-8" in next(line for line in lines if "victims_by_origin" in line)
    assert not any("comensha__victims_by_gender" in line for line in lines)
    assert state(published) == before and stray(published) == []
    check = subprocess.run([sys.executable, str(project / "scripts" / "publish.py"),
                            "--check-seeds"], capture_output=True, text=True)
    assert check.returncode == 1 and check.stderr.splitlines() == lines[:-1]


# --------------------------------------------------------------------------
# The parts, in-process

@pytest.mark.no_build
def test_number_and_boolean_cells():
    assert script.number_problem("2022", whole=True) is None
    assert script.number_problem("5000", whole=False) is None
    assert script.number_problem("1.234", whole=True)[1] == (
        "'1.234' is in Dutch number format; write 1234")
    assert script.number_problem("1.234,5", whole=False)[1] == (
        "'1.234,5' is in Dutch number format; write 1234.5")
    assert script.number_problem("2022,0", whole=True)[1] == (
        "'2022,0' is in Dutch number format; write 2022")
    assert script.number_problem("0,5", whole=True)[1] == (
        "'0,5' is in Dutch number format and is not a whole number")
    assert script.number_problem("1 234", whole=True)[1] == "'1 234' has spaces; write 1234"
    assert script.number_problem("8,14E+02", whole=False)[1] == "'8,14E+02' is not a number"
    assert script.boolean_problem("TRUE") is None
    assert script.boolean_problem("WAAR")[0] == "Dutch boolean"
    assert script.boolean_problem("ja")[1] == "'ja' is not true or false"


@pytest.mark.no_build
def test_failures_listed_one_per_row_sorted(tmp_path):
    """Each failing row of a test on its own line, under the seed file and
    its CSV line; the same list whatever the order of dbt's results."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "x.csv").write_text("edition,year,v\n2022,2018,a\n2022,2019,b\n")
    nodes = {
        "seed.mensenhandel.x": {"name": "x", "original_file_path": "seeds/x.csv",
                                "resource_type": "seed"},
        "test.mensenhandel.t1": {"name": "known_codes_x_v", "resource_type": "test",
                                 "attached_node": "seed.mensenhandel.x",
                                 "test_metadata": {"name": "known_codes"}},
        "model.mensenhandel.m": {"name": "m", "original_file_path": "models/m.sql",
                                 "resource_type": "model"},
    }
    results = [
        {"unique_id": "test.mensenhandel.t1", "status": "error", "message":
         "Runtime Error in test known_codes_x_v (seeds/_seeds.yml)\n  Invalid Input Error: "
         "2 failure(s). x: row (edition=2022, year=2019) has v 'b' | x: row (edition=2022, "
         "year=2018) has v 'a'"},
        {"unique_id": "model.mensenhandel.m", "status": "error",
         "message": "Runtime Error in model m (models/m.sql)\n  Binder Error: no column z"},
        {"unique_id": "seed.mensenhandel.x", "status": "success", "message": "INSERT 2"},
    ]
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    listed = []
    for order in (results, results[::-1]):
        (target / "run_results.json").write_text(json.dumps({"results": order}))
        original, script.PROJECT = script.PROJECT, tmp_path
        try:
            listed.append(script.failures(target, "", tmp_path))
        finally:
            script.PROJECT = original
    assert listed[0] == listed[1] == [
        "models/m.sql: Binder Error: no column z",
        "seeds/x.csv:2: row (edition=2022, year=2018) has v 'a' (test known_codes)",
        "seeds/x.csv:3: row (edition=2022, year=2019) has v 'b' (test known_codes)",
    ]
    # dbt stopped before running anything: its own error, on one line
    output = "\x1b[0m12:00:00  Running with dbt=1.11\n12:00:00  Encountered an error:\n" \
             "Compilation Error\n  something is wrong\n"
    assert script.failures(tmp_path / "none", output, tmp_path) == [
        "dbt stopped before building anything: Encountered an error: Compilation Error "
        "something is wrong"]


@pytest.mark.no_build
def test_disk_full_names_the_remedy(tmp_path):
    error = OSError(28, "No space left on device", str(tmp_path / "x"))
    assert script.describe_os_error(error, tmp_path) == (
        f"no space left on the device of {tmp_path}: a publish needs room for one more "
        "warehouse and its exports (about 40 MB); free some and publish again")
