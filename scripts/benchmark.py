"""Measures the speed and memory of the build and the test loop.

    python scripts/benchmark.py [--runs 3] [--skip-check] [--skip-growth]
                                [--baseline REV]

Prints a table and writes the figures to target/benchmark.json:
- dbt's floor: `dbt --version`, `dbt parse` (partial parsing as a user has it)
  and `dbt parse --no-partial-parse`;
- `dbt build` with partial parsing, and from a cold target/ (median of runs);
- the nodes built and tested by kind, and the marginal cost per node
  ((build - parse) / nodes);
- the time DuckDB alone needs for the compiled SQL of all models and tests;
- the README's test command (scripts/check.sh) end to end;
- dbt's own per-node cost: generated projects of trivial nodes (tiny seeds,
  `select *` models, not_null tests), one with this project's number of
  seeds, views, tables, data tests and unit tests, one of the size of dbt's
  jaffle_shop example (28 nodes), built the same way; their marginal cost
  per node is dbt's floor on this machine (generated in a temporary
  directory, never committed);
- growth: the build with ten synthetic earlier editions appended to every
  seed (11 times the rows; generated in a temporary copy, never committed),
  which must pass like the real one;
- the disclosure audit's own time: the dbt Python models disclosure_audit
  and disclosure_suggested_suppression, as dbt timed them in the build;
- with --baseline REV: `dbt build` of the project at git revision REV (a
  temporary worktree) and of the working tree, alternated run by run on the
  same machine, and the ratio of their medians ("not slower" in one run).
Wall times in seconds; peak memory (max RSS of the process tree's largest
process) in MiB, from GNU time.
"""

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).with_name("dbt"))
TIME = shutil.which("time") or "/usr/bin/time"


def env_for(project, database):
    return dict(os.environ, DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                DBT_PROFILES_DIR=str(project), MENSENHANDEL_DUCKDB_PATH=str(database))


def timed(cmd, cwd, env):
    """Wall seconds and peak RSS (MiB) of one command, which must succeed."""
    with tempfile.NamedTemporaryFile("r") as out:
        start = time.perf_counter()
        result = subprocess.run([TIME, "-f", "%M", "-o", out.name, *cmd], cwd=cwd,
                                env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        rss = int(out.read().strip().splitlines()[-1]) / 1024
    if result.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return wall, rss


def median_of(runs, fn):
    samples = [fn() for _ in range(runs)]
    return (statistics.median(s[0] for s in samples), max(s[1] for s in samples))


def node_counts(target):
    """Nodes of the last run by kind: seed, view, table, test, unit_test
    (exposures, which dbt does not run, are left out)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    counts = dict.fromkeys(("seed", "view", "table", "test", "unit_test"), 0)
    for r in results:
        kind = r["unique_id"].split(".")[0]
        if kind == "model":
            kind = manifest["nodes"][r["unique_id"]]["config"]["materialized"]
        if kind in counts:
            counts[kind] += 1
    return counts


def duckdb_alone(database, target):
    """Runs the compiled SQL of every model and test on a copy of the
    warehouse, which must all succeed. The copy keeps the file's name: the
    compiled SQL names the database (the file name) in its relations."""
    copy = Path(tempfile.mkdtemp()) / database.name
    shutil.copy(database, copy)
    con = duckdb.connect(str(copy))
    manifest = json.loads((target / "manifest.json").read_text())
    queries = [n["compiled_code"] for n in manifest["nodes"].values()
               if n["resource_type"] in ("model", "test") and n.get("compiled_code")
               and n["package_name"] == "mensenhandel" and n.get("language") != "python"]
    start = time.perf_counter()
    for sql in queries:
        # error-severity tests raise on failure; after a passing build, none does
        con.execute(f"select count(*) from ({sql}) as q").fetchall()
    wall = time.perf_counter() - start
    con.close()
    shutil.rmtree(copy.parent, ignore_errors=True)
    return wall, len(queries)


def audit_seconds(target):
    """Seconds dbt spent on each model of models/audit in the last run."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results
            if r["unique_id"].split(".")[-1].startswith("disclosure_")}


def baseline_comparison(revision, runs, work):
    """Median `dbt build` wall time of the project at `revision` and of the
    working tree, alternated run by run (cold target/ and a fresh database
    each time, so both do the same work), and their ratio."""
    tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision],
                   cwd=PROJECT, check=True, capture_output=True)
    try:
        samples = {"baseline": [], "current": []}
        for run in range(runs):
            for name, project in (("baseline", tree), ("current", PROJECT)):
                database = work / f"{name}-{run}.duckdb"
                target = work / f"{name}-target-{run}"
                env = dict(env_for(project, database), MENSENHANDEL_PROJECT_DIR=str(project))
                samples[name].append(timed([DBT, "build", "--target-path", str(target)],
                                           project, env))
        medians = {name: (statistics.median(s[0] for s in runs_),
                          max(s[1] for s in runs_)) for name, runs_ in samples.items()}
        return {"revision": revision, **medians,
                "ratio": medians["current"][0] / medians["baseline"][0]}
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)],
                       cwd=PROJECT, capture_output=True)


def synthetic_editions(project, extra=10):
    """Appends `extra` earlier editions to every seed: the 2022 edition's
    cells as edition 2022 - 5k, every year shifted by -5k (k = 1..extra), so
    that no two editions cover the same year. Each synthetic edition
    satisfies the report's identities as the real one does, and the real
    2022 edition's prose still meets only the real cells of 2018-2022: the
    build passes as on the real seeds, with 11 times the rows."""
    for path in (project / "seeds").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            fields, rows = reader.fieldnames, list(reader)
        new = []
        for k in range(1, extra + 1):
            shift = 5 * k
            for row in rows:
                if row.get("edition") != "2022":
                    continue
                copy = dict(row, edition=str(2022 - shift))
                if copy.get("year"):
                    copy["year"] = str(int(copy["year"]) - shift)
                new.append(copy)
        with open(path, "a", newline="", encoding="utf-8") as f:
            csv.DictWriter(f, fields, lineterminator="\n").writerows(new)
    return project


FLOOR_PROFILE = """floor:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: floor.duckdb
      threads: {threads}
"""


def floor_project(root, counts, threads):
    """A trivial dbt project with the node counts of ours: `counts` maps
    seed, view, table, test, unit_test to a number. Seeds of five rows with
    declared types; views `select *` from a seed; tables `select *` from a
    view; not_null tests spread over the seeds and models; unit tests on
    the tables."""
    root.mkdir(parents=True)
    (root / "profiles.yml").write_text(FLOOR_PROFILE.format(threads=threads))
    (root / "dbt_project.yml").write_text(
        "name: floor\nversion: '1.0.0'\nconfig-version: 2\nprofile: floor\n"
        "flags:\n  send_anonymous_usage_stats: false\n")
    (root / "seeds").mkdir()
    (root / "models").mkdir()
    seeds = [f"seed_{i}" for i in range(counts["seed"])]
    views = [f"view_{i}" for i in range(counts["view"])]
    tables = [f"table_{i}" for i in range(counts["table"])]
    for seed in seeds:
        (root / "seeds" / f"{seed}.csv").write_text(
            "id,label,value\n" + "".join(f"{k},row {k},{k * 10}\n" for k in range(5)))
    for i, view in enumerate(views):
        (root / "models" / f"{view}.sql").write_text(
            f"{{{{ config(materialized='view') }}}}\n"
            f"select * from {{{{ ref('{seeds[i % len(seeds)]}') }}}}\n")
    for i, table in enumerate(tables):
        (root / "models" / f"{table}.sql").write_text(
            f"{{{{ config(materialized='table') }}}}\n"
            f"select * from {{{{ ref('{views[i % len(views)]}') }}}}\n")
    # each test a not_null on one column, with its own name
    nodes = seeds + views + tables
    tests = {name: [] for name in nodes}
    for k in range(counts["test"]):
        tests[nodes[k % len(nodes)]].append(k)

    def columns(name):
        return [{"name": "id", "data_tests": [
            {"not_null": {"name": f"not_null_{name}_{k}"}} for k in tests[name]]},
            {"name": "label"}, {"name": "value"}]
    yml = ["seeds:"]
    for seed in seeds:
        yml.append(json.dumps({"name": seed, "config": {"column_types": {
            "id": "integer", "label": "varchar", "value": "integer"}},
            "columns": columns(seed)}))
    yml.append("models:")
    yml += [json.dumps({"name": m, "columns": columns(m)}) for m in views + tables]
    if counts["unit_test"]:
        yml.append("unit_tests:")
    for k in range(counts["unit_test"]):
        table = tables[k % len(tables)]
        view = views[tables.index(table) % len(views)]
        yml.append(json.dumps({
            "name": f"unit_{k}", "model": table,
            "given": [{"input": f"ref('{view}')",
                       "rows": [{"id": 1, "label": "a", "value": 2}]}],
            "expect": {"rows": [{"id": 1, "label": "a", "value": 2}]}}))
    # JSON objects are YAML flow mappings: one list item per line
    text = "version: 2\n" + "\n".join(
        line if line.endswith(":") else f"  - {line}" for line in yml) + "\n"
    (root / "models" / "_floor.yml").write_text(text)
    return root


def measure_project(project, database, target, runs):
    """Median wall time and peak memory of `dbt parse` and `dbt build` of a
    project, with partial parsing as a user has it (one warm-up build)."""
    env = env_for(project, database)
    args = ["--target-path", str(target)]
    timed([DBT, "build", *args], project, env)  # warm-up; a failed build stops here
    parse = median_of(runs, lambda: timed([DBT, "parse", *args], project, env))
    build = median_of(runs, lambda: timed([DBT, "build", *args], project, env))
    counts = node_counts(target)
    nodes = sum(counts.values())
    return {"parse": parse, "build": build, "nodes": counts,
            "marginal_seconds_per_node": (build[0] - parse[0]) / nodes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--baseline", metavar="REV",
                        help="also compare `dbt build` with the project at this git revision")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    database = work / "bench.duckdb"
    env = env_for(PROJECT, database)
    target = work / "target"
    figures = {"cpus": os.cpu_count(), "runs": args.runs}

    figures["dbt_version"] = median_of(args.runs, lambda: timed([DBT, "--version"], PROJECT, env))
    figures["dbt_parse_full"] = median_of(
        args.runs, lambda: timed([DBT, "parse", "--no-partial-parse", "--target-path",
                                  str(target)], PROJECT, env))
    ours = measure_project(PROJECT, database, target, args.runs)
    figures["project"] = ours
    figures["audit_seconds"] = audit_seconds(target)
    counts = ours["nodes"]

    def cold_build():
        shutil.rmtree(work / "cold", ignore_errors=True)
        return timed([DBT, "build", "--target-path", str(work / "cold")], PROJECT, env)
    figures["dbt_build_cold"] = median_of(args.runs, cold_build)

    wall, n_queries = duckdb_alone(database, target)
    figures["duckdb_alone"] = {"seconds": wall, "queries": n_queries}

    # dbt's own cost per node: trivial projects, at our node mix and at the
    # size of dbt's jaffle_shop example (3 seeds, 3 views, 2 tables, 20 tests)
    threads = 4
    floors = {"floor_same_nodes": counts,
              "floor_jaffle_size": {"seed": 3, "view": 3, "table": 2, "test": 20,
                                    "unit_test": 0}}
    for name, mix in floors.items():
        root = floor_project(work / name, mix, threads)
        figures[name] = measure_project(root, root / "floor.duckdb", root / "target",
                                        args.runs)

    if not args.skip_growth:
        grown = synthetic_editions(Path(shutil.copytree(
            PROJECT, work / "grown",
            ignore=shutil.ignore_patterns(".venv", ".git", "target", "published", "logs",
                                          "*.duckdb"))))
        figures["grown_11_editions"] = measure_project(
            grown, work / "grown.duckdb", grown / "target", max(1, args.runs - 1))

    if args.baseline:
        figures["baseline"] = baseline_comparison(args.baseline, args.runs, work)

    if not args.skip_check:
        check_env = dict(os.environ, DO_NOT_TRACK="1")
        figures["check_command"] = median_of(
            args.runs, lambda: timed(["bash", "scripts/check.sh"], PROJECT, check_env))

    report(figures)
    out = PROJECT / "target" / "benchmark.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(f"figures written to {out}")
    shutil.rmtree(work, ignore_errors=True)


def report(figures):
    ours = figures["project"]
    parse = ours["parse"][0]
    rows = [
        ("dbt --version", figures["dbt_version"]),
        ("dbt parse, partial", ours["parse"]),
        ("dbt parse, full", figures["dbt_parse_full"]),
        ("dbt build, partial parse", ours["build"]),
        ("dbt build, cold target/", figures["dbt_build_cold"]),
    ]
    for name, label in (("floor_same_nodes", "floor project, same nodes"),
                        ("floor_jaffle_size", "floor project, jaffle size"),
                        ("grown_11_editions", "project, 11 editions")):
        if name in figures:
            rows.append((f"dbt build, {label}", figures[name]["build"]))
    if "check_command" in figures:
        rows.append(("README check command", figures["check_command"]))
    print(f"{'measure':42} {'wall s':>8} {'peak MiB':>9} {'x parse':>8}")
    for name, (wall, rss) in rows:
        print(f"{name:42} {wall:8.2f} {rss:9.0f} {wall / parse:8.2f}")
    print()
    print(f"{'marginal cost per node, (build - parse) / nodes':50} "
          f"{'ms':>6} {'nodes':>6} {'x ours':>7}")
    ours_ms = ours["marginal_seconds_per_node"] * 1000
    for name, label in (("project", "this project"),
                        ("floor_same_nodes", "dbt floor, same node mix"),
                        ("floor_jaffle_size", "dbt floor, jaffle_shop size"),
                        ("grown_11_editions", "this project, 11 editions")):
        if name in figures:
            ms = figures[name]["marginal_seconds_per_node"] * 1000
            n = sum(figures[name]["nodes"].values())
            print(f"{label:50} {ms:6.0f} {n:6d} {ms / ours_ms:7.2f}")
    print(f"nodes: {ours['nodes']}")
    alone = figures["duckdb_alone"]
    print(f"DuckDB alone, compiled SQL of {alone['queries']} models and tests: "
          f"{alone['seconds']:.2f} s")
    for model, seconds in figures["audit_seconds"].items():
        print(f"disclosure audit, {model}: {seconds:.2f} s (dbt's timing in the build)")
    if "baseline" in figures:
        base = figures["baseline"]
        print(f"dbt build, cold, alternated: {base['revision']} {base['baseline'][0]:.2f} s, "
              f"working tree {base['current'][0]:.2f} s, ratio {base['ratio']:.2f}")
    if "grown_11_editions" in figures:
        grown = figures["grown_11_editions"]
        print(f"growth: 11 editions (11x the rows) / 1 edition, build time = "
              f"{grown['build'][0] / ours['build'][0]:.2f} (every test passed)")


if __name__ == "__main__":
    main()
