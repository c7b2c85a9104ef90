"""Builds, tests and publishes the warehouse for BI tools, safely.

    python scripts/publish.py [--published-dir published] [--wait SECONDS]
    python scripts/publish.py --check-seeds    # step 1 only

1. Checks every seed CSV for what a spreadsheet does to it (encoding,
   delimiter, Dutch numbers and booleans, empty rows) and stops, naming file,
   line, column and problem for each, before anything is built.
2. Takes a lock (published/.publish.lock): a second publish waits up to
   --wait seconds for it, then fails.
3. Runs `dbt build` (seeds, models, every test) into a fresh DuckDB file in
   a work directory (published/.build-*), in a process group of its own that
   dies with the publish, however the publish ends.
4. If anything failed: lists every failing seed, model and test (file, row
   or key, problem), sorted, and leaves the published warehouse as it was.
5. Otherwise: checkpoints the new file, exports each mart to Parquet and CSV
   (rows in a fixed order; schema.json, README.md, the open-data files of
   scripts/open_data.py, and release.json with the source commit, the
   editions and the files' hashes), moves it all into
   published/releases/<time>-<content hash>/ and switches the symlink
   published/current to it in one atomic step. published/mensenhandel.duckdb
   and published/exports are symlinks through current. The previous release
   stays (readers may still hold it); older ones are removed.

Every failure is a line `publish: ...` on stderr, with the remedy where there
is one; the exit status is non-zero. docs/publishing.md lists what a publish
guarantees and what it does not.

MENSENHANDEL_DBT names another dbt executable (default: the one installed
beside this Python); the tests use it to stand in a fast fake build.
"""

import argparse
import csv
import errno
import fcntl
import hashlib
import io
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml

import open_data  # scripts/: the workbook, data package and DCAT of the exports

PROJECT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "mensenhandel.duckdb"
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class PublishError(Exception):
    """A failed publish: one or more lines, each printed as `publish: line`."""

    def __init__(self, *lines):
        super().__init__("\n".join(lines))
        self.lines = lines


class Interrupted(Exception):
    """SIGINT (Ctrl-C), SIGTERM or SIGHUP arrived."""


# --------------------------------------------------------------------------
# 1. The seed files, as a spreadsheet may have saved them

WHOLE = re.compile(r"-?\d+")
NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
DUTCH_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+,\d+")
WHOLE_TYPES = re.compile(r"(tiny|small|big|huge|u)?int(eger|\d*)")
NUMBER_TYPES = re.compile(r"double( precision)?|float\d*|real|decimal.*|numeric.*")
BOOLEANS = {"true", "false", "t", "f", "1", "0", "yes", "no", "y", "n"}  # what DuckDB reads
DUTCH_BOOLEANS = {"waar": "true", "onwaar": "false"}
DELIMITERS = {";": "semicolons", "\t": "tabs"}


def seed_column_types(seeds_dir):
    """{seed name: {column: type}} from the seeds' YAML files."""
    types = {}
    for path in sorted(seeds_dir.rglob("*.yml")):
        try:
            properties = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise PublishError(f"{path.relative_to(seeds_dir.parent)}: not valid YAML: "
                               + " ".join(str(error).split())) from None
        for seed in properties.get("seeds", []):
            column_types = (seed.get("config") or {}).get("column_types") or {}
            types[seed["name"]] = {c: str(t).lower() for c, t in column_types.items()}
    return types


def number_problem(cell, whole):
    """(kind, why) if cell is not a plain number of its column, else None.
    Plain: digits with a decimal point, as dbt and DuckDB read them."""
    plain = WHOLE if whole else NUMBER
    if plain.fullmatch(cell):
        return None
    expected = "a whole number" if whole else "a number"
    value = cell.replace("\u00a0", "").replace(" ", "")
    if DUTCH_NUMBER.fullmatch(value):
        kind, how = "Dutch number", "is in Dutch number format"
        value = value.replace(".", "").replace(",", ".")
        if whole and re.fullmatch(r"-?\d+\.0+", value):
            value = value.split(".")[0]
    elif value != cell:
        kind, how = "spaces in a number", "has spaces"
    else:
        return "not a number", f"'{cell}' is not {expected}"
    if plain.fullmatch(value):
        return kind, f"'{cell}' {how}; write {value}"
    return kind, f"'{cell}' {how} and is not {expected}"


def boolean_problem(cell):
    """(kind, why) if cell is not a boolean DuckDB reads, else None."""
    word = cell.strip().lower()
    if cell.lower() in BOOLEANS:
        return None
    if word in DUTCH_BOOLEANS:
        return ("Dutch boolean", f"'{cell}' is a Dutch spreadsheet's word for "
                f"{DUTCH_BOOLEANS[word]}; write true or false")
    if word in BOOLEANS:
        return "spaces in a boolean", f"'{cell}' has spaces; write {word}"
    return "not a boolean", f"'{cell}' is not true or false"


def mojibake(cell):
    """The text cell stood for, if it is UTF-8 read as Windows-1252 (a
    spreadsheet opening a UTF-8 file without byte-order mark), else None."""
    if cell.isascii():
        return None
    try:
        original = cell.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return None
    return original if original != cell else None


def line_ranges(lines):
    """[3, 4, 5, 9] -> '3-5, 9'."""
    spans = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def check_seed(path, name, types):
    """The problems of one seed file, one line each:
    `<name>:<line>: <column>: <problem>`. The same problem in many cells of
    a column is one line, naming the first and listing the others."""
    found = {}  # (column, kind) -> [why of the first, its line, more lines]

    def report(line, column, kind, why):
        if (column, kind) in found:
            found[column, kind][2].append(line)
        else:
            found[column, kind] = [why, line, []]

    data = path.read_bytes()
    data = data.removeprefix(b"\xef\xbb\xbf")  # Excel's "CSV UTF-8" writes one: fine
    try:
        text, utf8 = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8 = data.decode("latin-1" if re.search(b"[\x81\x8d\x8f\x90\x9d]", data)
                                 else "cp1252"), False
    header_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in header_line:
        for candidate, called in DELIMITERS.items():
            if candidate in header_line:
                delimiter = candidate
                report(1, None, "delimiter",
                       f"the columns are separated by {called}, not commas (a spreadsheet's "
                       "CSV in a Dutch locale); save as 'CSV UTF-8 (comma-delimited)'")
                break
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    for i, column in enumerate(header):
        if not column.strip():
            report(1, f"column {i + 1}", "no name",
                   "a column without a name (an empty spreadsheet column was saved); delete it")
        elif column != column.strip():
            report(1, repr(column), "spaces", "spaces around the column name; remove them")
    typed = [(i, column, types[column]) for i, column in enumerate(header) if column in types]
    line = 1
    for cells in reader:
        line, end = line + 1, reader.line_num  # a quoted cell may span lines
        if not any(cell.strip() for cell in cells):
            report(line, None, "empty row",
                   "an empty row (a spreadsheet saves rows once touched); delete it")
            line = end
            continue
        if len(cells) != len(header):
            report(line, None, f"{len(cells)} cells",
                   f"{len(cells)} cells where the header has {len(header)}")
        for i, column in enumerate(header):
            cell = cells[i] if i < len(cells) else ""
            if not utf8 and not cell.isascii():
                report(line, column, "encoding",
                       f"'{cell[:40]}' is not UTF-8 (a spreadsheet's plain CSV in a Dutch "
                       "locale saves Windows-1252); save as 'CSV UTF-8'")
            elif utf8 and (original := mojibake(cell)):
                report(line, column, "mojibake",
                       f"'{cell[:40]}' is garbled UTF-8 (opened as Windows-1252 and saved "
                       f"again); write '{original[:40]}'")
        for i, column, type_ in typed:
            cell = cells[i] if i < len(cells) else ""
            problem = None
            if cell == "":
                pass
            elif WHOLE_TYPES.fullmatch(type_) or NUMBER_TYPES.fullmatch(type_):
                problem = number_problem(cell, whole=bool(WHOLE_TYPES.fullmatch(type_)))
            elif type_ == "boolean":
                problem = boolean_problem(cell)
            if problem:
                report(line, column, *problem)
        line = end
    problems = []
    for (column, _), (why, first, more) in found.items():
        where = f"{name}:{first}: " + (f"{column}: " if column else "")
        also = f" (also line{'s' * (len(more) > 1)} {line_ranges(more)})" if more else ""
        problems.append((first, column or "", where + why + also))
    return [text for *_, text in sorted(problems)]


def check_seeds(project):
    """The problems of every seed CSV of the project."""
    seeds = project / "seeds"
    types = seed_column_types(seeds)
    problems = []
    for path in sorted(seeds.rglob("*.csv")):
        problems += check_seed(path, path.relative_to(project).as_posix(),
                               types.get(path.stem, {}))
    return problems


# --------------------------------------------------------------------------
# 2. The lock, and what a killed publish left behind

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
                handle.close()
                raise PublishError(
                    f"another publish is running (lock {directory / '.publish.lock'}); "
                    "wait for it, or pass --wait SECONDS") from None
            time.sleep(0.2)


def remove_stray_builds(directory):
    """Work directories and temporary links of publishes that were killed."""
    for path in directory.glob(".build-*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def lock_out_writers(published_dir):
    """A shared lock on the published file, held until the returned file is
    closed, or a PublishError if a read-write client has it open.

    DuckDB keeps a write lock on a file it has open read-write and a read
    lock on one open read-only, so readers share this lock and a writer can
    neither hold it nor take it meanwhile."""
    database = published_dir / DATABASE_NAME
    if not database.exists():
        return None
    handle = open(database, "rb")
    try:
        fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise PublishError(
            f"a client has {database} open read-write (it holds DuckDB's write lock); "
            "close it and publish again (BI tools open the file read-only)") from None
    return handle


def remove_files_beside_link(published_dir):
    """What DuckDB clients of published/mensenhandel.duckdb left beside that
    path: DuckDB names its write-ahead log (.wal) and other files after the
    path it opened, not the file behind the link, so a WAL left there would
    be replayed onto the next release. (Clients that open current/... or a
    release's own path leave theirs in that release's directory.)"""
    for path in published_dir.glob(DATABASE_NAME + ".*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


# --------------------------------------------------------------------------
# 3. The build, in a process group that dies with the publish

# The first member of the build's process group. It blocks reading a pipe
# whose only writer is the publish; when the publish ends in any way (even
# SIGKILL) the kernel closes that end, the read returns, and it kills the
# group: dbt and whatever dbt started.
WATCHDOG = "import os, signal\nos.read(0, 1)\nos.killpg(0, signal.SIGKILL)\n"


def run_build(workdir):
    """`dbt build` of the project into workdir/target/mensenhandel.duckdb:
    (exit status, dbt's output).

    dbt runs in workdir with the profile's default (relative) path, so the
    profile is the one of the project's own builds and dbt parses partially
    from a copy of the project's partial-parse state (a profile with another
    path would make it parse everything again). No --fail-fast: every
    failure is reported, in one run."""
    target = workdir / "target"
    target.mkdir(parents=True)
    state = PROJECT / "target" / "partial_parse.msgpack"
    if state.exists():
        shutil.copy2(state, target / state.name)
    return run_dbt(workdir, target, "build")


def run_dbt(workdir, target, *args, env=None):
    """dbt `args` on the project, with target path `target` and its output in
    workdir, in a process group of its own that dies with this process
    (a watchdog kills it when our end of a pipe closes, however we end):
    (exit status, dbt's output)."""
    env = dict(
        os.environ,
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT),
        MENSENHANDEL_PROJECT_DIR=str(PROJECT),
        **(env or {}),
    )
    env.pop("MENSENHANDEL_DUCKDB_PATH", None)
    dbt = os.environ.get("MENSENHANDEL_DBT") or str(Path(sys.executable).with_name("dbt"))
    read_end, write_end = os.pipe()  # not inherited by dbt: only the publish writes
    try:
        watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG],
                                    stdin=read_end, process_group=0)
    finally:
        os.close(read_end)
    dbt_process = None
    try:
        with open(workdir / "dbt-output.txt", "w+") as output:
            dbt_process = subprocess.Popen(
                [dbt, *args, "--project-dir", str(PROJECT), "--target-path", str(target),
                 "--log-path", str(workdir / "logs")],
                cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, process_group=watchdog.pid,
            )
            status = dbt_process.wait()
            output.seek(0)
            return status, output.read()
    finally:  # also on Interrupted: nothing of the build outlives this
        try:
            os.killpg(watchdog.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(write_end)
        watchdog.wait()
        if dbt_process:
            dbt_process.wait()


FAILED = ("error", "fail", "runtime error")


def failures(target, output, workdir):
    """Every failing seed, model and test as `file[:lines]: problem`, sorted:
    the same list on every run of the same input.

    A test of this project raises one message listing each failing row
    (fail_with_message: `N failure(s). seed: row (k=v, ...) has ... | ...`);
    each becomes a line, under the file of the seed or model it tests, with
    the CSV lines of the row where it names one."""
    path = target / "run_results.json"
    if not path.exists():
        return [f"dbt stopped before building anything: {dbt_error(output)}"]
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    lines = set()
    for result in json.loads(path.read_text())["results"]:
        if result["status"] not in FAILED:
            continue
        node = nodes.get(result["unique_id"], {})
        tested = nodes.get(node.get("attached_node") or "", node)
        file = tested.get("original_file_path", result["unique_id"])
        message = " ".join((result.get("message") or result["status"]).split())
        message = message.replace(f"{workdir}/", "")
        message = re.sub(r"^Runtime Error in \w+ \S+ \([^)]*\) ", "", message)
        # DuckDB: `Invalid Input Error: N failure(s). ...`; PostgreSQL (see
        # raise_error): `invalid input syntax for type integer: "dbt test
        # failed: N failure(s). ..."`, followed by the compiled code's path
        listed = re.match(r'(?:Invalid Input Error: |.*?"dbt test failed: )?'
                          r'\d+ failure\(s\)\. (.*?)(?:" compiled code at .*)?$', message)
        test = (node.get("test_metadata") or {}).get("name") or node.get("name")
        suffix = f" (test {test})" if node.get("resource_type") == "test" else ""
        for problem in listed.group(1).split(" | ") if listed else [message]:
            problem = problem.removeprefix(f"{tested.get('name')}: ")
            found = csv_lines(PROJECT / file, problem)
            where = file + (":" + ",".join(map(str, found)) if found else "")
            lines.add(f"{where}: {problem[:1000]}{suffix}")
    def order(line):  # by file, then line number
        file, _, rest = line.partition(": ")
        name, _, number = file.partition(":")
        return name, int(number.split(",")[0] or 0), rest
    return sorted(lines, key=order) or [f"dbt failed: {dbt_error(output)}"]


def csv_lines(path, problem):
    """The line numbers in the CSV file path of the rows a problem names as
    `row (k=v, ...)` or `key (k=v, ...)`."""
    named = re.search(r"\b(?:row|key) \(([^)]*)\)", problem)
    if path.suffix != ".csv" or not named or not path.exists():
        return []
    pairs = [pair.split("=", 1) for pair in named.group(1).split(", ")]
    if not all(len(pair) == 2 for pair in pairs):
        return []
    wanted = {k: "" if v == "null" else v for k, v in pairs}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        found, line = [], 1
        for row in reader:
            if all(row.get(k) == v for k, v in wanted.items()):
                found.append(line + 1)
            line = reader.line_num
    return found


def dbt_error(output):
    """dbt's own error, on one line."""
    output = re.sub(r"\x1b\[[0-9;]*m", "", output)
    lines = [re.sub(r"^\d\d:\d\d:\d\d\s+", "", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line]
    start = next((i for i, line in enumerate(lines) if "Encountered an error" in line),
                 max(len(lines) - 3, 0))
    return " ".join(lines[start:])[:1000] or "no output"


# --------------------------------------------------------------------------
# 4. The release: the database, its exports and their provenance

def export_marts(database, directory, manifest):
    """Parquet + CSV per mart (every table of main_marts), rows ordered by
    every column, so the same data gives the same bytes; schema.json and a
    README. Returns the editions in the marts."""
    directory.mkdir(parents=True)
    nodes = manifest["nodes"]
    con = duckdb.connect(str(database), read_only=True)
    marts = [name for (name,) in con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'main_marts' order by table_name").fetchall()]
    schema, editions = {}, set()
    for mart in marts:
        rows = f"(select * from main_marts.{mart} order by all)"
        for suffix, options in ((".parquet", "format parquet"), (".csv", "format csv, header")):
            path = str(directory / (mart + suffix)).replace("'", "''")
            con.execute(f"copy {rows} to '{path}' ({options})")
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main_marts' and table_name = ? "
            "order by ordinal_position", [mart]).fetchall())
        if "edition" in types:
            editions.update(e for (e,) in con.execute(
                f"select distinct edition from main_marts.{mart} where edition is not null"
            ).fetchall())
        node = nodes.get(f"model.mensenhandel.{mart}", {})
        schema[mart] = {
            "description": node.get("description", ""),
            "columns": [
                {"name": name, "type": types[name],
                 "description": node.get("columns", {}).get(name, {}).get("description", "")}
                for name in types
            ],
        }
    con.close()
    (directory / "schema.json").write_text(json.dumps(schema, indent=2) + "\n")
    lines = ["# Mensenhandel warehouse: exported marts", "",
             "One Parquet and one CSV file per mart, rows ordered by every column; "
             "column types and descriptions in schema.json, the source commit, the "
             "editions and each file's SHA-256 in release.json. Counts are bounds: "
             "`<5` in the report is count_low = 0, count_high = 4.", ""]
    for mart, spec in schema.items():
        lines += [f"## {mart}", "", spec["description"], ""]
        lines += [f"- `{c['name']}` ({c['type']}): {c['description']}"
                  for c in spec["columns"]]
        lines.append("")
    (directory / "README.md").write_text("\n".join(lines))
    return sorted(editions)


def source_commit():
    """(commit of the project's git checkout or "unknown", whether the
    checkout differs from it, or None). Reads only: no index refresh."""
    def git(*args):
        return subprocess.run(["git", "--no-optional-locks", "-C", str(PROJECT), *args],
                              capture_output=True, text=True)
    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return "unknown", None
        return head.stdout.strip(), bool(git("status", "--porcelain").stdout.strip())
    except OSError:  # no git
        return "unknown", None


def write_release_json(exports, editions, commit, changed):
    """exports/release.json: where the exports came from and each file's
    hash; no time, so the same seeds at the same commit give the same file.
    Returns a short hash of the exports' content."""
    files = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
             for path in sorted(exports.iterdir())}
    release = {"source_commit": commit, "uncommitted_changes": changed,
               "editions": editions, "sha256": files}
    (exports / "release.json").write_text(json.dumps(release, indent=2) + "\n")
    return hashlib.sha256(json.dumps(files).encode()).hexdigest()[:12]


def build_release(workdir):
    """Build, test and export into workdir/release; returns (its path, the
    hash of its exports)."""
    status, output = run_build(workdir)
    target = workdir / "target"
    if "No space left on device" in output:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(workdir))
    if status != 0 or not (target / "run_results.json").exists():
        bad = failures(target, output, workdir)
        raise PublishError(*bad, f"the build failed ({len(bad)} problem"
                           f"{'s' * (len(bad) > 1)}); nothing was published")
    release = workdir / "release"
    release.mkdir()
    database = release / DATABASE_NAME
    os.replace(target / DATABASE_NAME, database)
    con = duckdb.connect(str(database))
    con.execute("checkpoint")  # everything in the file: no WAL travels with it
    con.close()
    database.chmod(0o444)  # a reminder for clients that open it read-write
    exports, manifest = release / "exports", json.loads((target / "manifest.json").read_text())
    editions = export_marts(database, exports, manifest)
    commit, changed = source_commit()
    open_data.write_all(database, manifest, exports, commit=commit)
    return release, write_release_json(exports, editions, commit, changed)


# --------------------------------------------------------------------------
# 5. The switch

def replace_with_link(path, target, published_dir):
    """path becomes a symlink to target, atomically (a temporary link
    renamed over it)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    temporary = published_dir / f".build-link-{os.getpid()}-{path.name}"
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)


def switch(published_dir, release_name):
    """published/current -> releases/<release_name>, in one step; the paths
    BI tools open point through current. Keeps the release current pointed
    to until now (readers may hold it) and removes older ones."""
    current = published_dir / "current"
    previous = os.readlink(current) if current.is_symlink() else None
    replace_with_link(current, f"releases/{release_name}", published_dir)
    exports = published_dir / "exports"
    if exports.is_dir() and not exports.is_symlink():  # of a publish before releases
        aside = published_dir / f".build-old-exports-{os.getpid()}"
        os.replace(exports, aside)
        shutil.rmtree(aside, ignore_errors=True)
    for name in (DATABASE_NAME, "exports"):
        replace_with_link(published_dir / name, f"current/{name}", published_dir)
    keep = {release_name, Path(previous).name if previous else None}
    for path in (published_dir / "releases").iterdir():
        if path.name not in keep:  # if this fails, the next publish tries again
            shutil.rmtree(path, ignore_errors=True)


def publish(published_dir, wait):
    """Returns the name of the new release."""
    problems = check_seeds(PROJECT)
    if problems:
        raise PublishError(*problems, f"{len(problems)} problem{'s' * (len(problems) > 1)} "
                           "in the seed files; nothing was built or published")
    published_dir.mkdir(parents=True, exist_ok=True)
    lock = take_lock(published_dir, wait)
    try:
        remove_stray_builds(published_dir)
        writers = lock_out_writers(published_dir)  # fail now, not after the build
        if writers:
            writers.close()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        workdir = published_dir / f".build-{stamp}"
        try:
            release, content = build_release(workdir)
            name = f"{stamp}-{content}"
            writers = lock_out_writers(published_dir)
            try:
                for signum in SIGNALS:  # the rest takes milliseconds: let it finish
                    signal.signal(signum, signal.SIG_IGN)
                (published_dir / "releases").mkdir(exist_ok=True)
                os.replace(release, published_dir / "releases" / name)
                remove_files_beside_link(published_dir)
                switch(published_dir, name)
            finally:
                if writers:
                    writers.close()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        lock.close()
    return name


def describe_os_error(error, published_dir):
    """One line, with the remedy, for what the system refused."""
    where = error.filename or published_dir
    if error.errno in (errno.EACCES, errno.EPERM):
        try:
            user = pwd.getpwuid(os.geteuid()).pw_name
        except KeyError:
            user = f"with uid {os.geteuid()}"
        return (f"permission denied on {where}: make {published_dir} writable for user "
                f"{user}, or publish elsewhere with --published-dir")
    if error.errno == errno.EROFS:
        return (f"{where} is on a read-only file system: publish elsewhere with "
                "--published-dir")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"no space left on the device of {published_dir}: a publish needs room for "
                "one more warehouse and its exports (about 40 MB); free some and publish again")
    return f"{error.strerror or error} ({where})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--published-dir",
        default=os.environ.get("MENSENHANDEL_PUBLISH_DIR", str(PROJECT / "published")),
    )
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds to wait for another publish to finish")
    parser.add_argument("--check-seeds", action="store_true",
                        help="only check the seed files as a publish does, then stop")
    args = parser.parse_args()
    if args.check_seeds:
        problems = check_seeds(PROJECT)
        for line in problems:
            print(f"publish: {line}", file=sys.stderr)
        return 1 if problems else 0
    published_dir = Path(args.published_dir).absolute()

    def interrupt(signum, frame):
        for other in SIGNALS:  # the cleanup runs once
            signal.signal(other, signal.SIG_IGN)
        raise Interrupted(signum)

    for signum in SIGNALS:
        signal.signal(signum, interrupt)
    untouched = "; the published warehouse is unchanged"
    try:
        name = publish(published_dir, args.wait)
    except PublishError as error:
        lines = error.lines
    except Interrupted as error:
        signum = error.args[0]
        print(f"publish: interrupted by {signal.Signals(signum).name}; nothing was "
              f"published{untouched}", file=sys.stderr)
        return 128 + signum
    except OSError as error:
        lines = [describe_os_error(error, published_dir) + untouched]
    except duckdb.Error as error:
        lines = [" ".join(str(error).split())[:1000] + untouched]
        if "No space left on device" in str(error):
            lines = [describe_os_error(OSError(errno.ENOSPC, ""), published_dir) + untouched]
    except Exception as error:  # a bug of this script: still one line
        lines = [f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:1000]} "
                 "(please report it with the command you ran)"]
    else:
        print(f"published {published_dir / 'current'} -> releases/{name} "
              f"(open {published_dir / DATABASE_NAME} read-only)")
        return 0
    for line in lines:
        print(f"publish: {line}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
