"""The warehouse on PostgreSQL, against a throwaway cluster (lib/pg_cluster.py)
started for this module on a free local port and stopped after it:
`dbt build --target postgres` gives the results of the DuckDB build, and its
seed tests fail on bad input as DuckDB's do; the README's command
(`scripts/setup.sh --postgres`) publishes relations equal, value for value,
to DuckDB's, and the BI questions get DuckDB's answers; a failing publish
leaves the published schemas as they were; a second one at once fails; a
reader keeps working during a publish and sees the new marts after it; the
reader role reads the marts and nothing else; a publisher that is no
superuser publishes; old schemas that another view reads stay.

Without PostgreSQL's server binaries the module is skipped, unless
MENSENHANDEL_REQUIRE_POSTGRES is set (.ci/run sets it): then it fails.
"""

import json
import os
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from psycopg2 import errors, sql

from conftest import (
    DBT,
    PROJECT,
    assert_raised_with,
    copy_project,
    dbt_env,
    read_seed,
    run_compiled_tests,
    write_seed,
)
from test_bad_input import CASES

sys.path.insert(0, str(PROJECT / "lib"))
from pg_cluster import Cluster, server_binaries  # noqa: E402

if server_binaries() is None and not os.environ.get("MENSENHANDEL_REQUIRE_POSTGRES"):
    pytest.skip("PostgreSQL 15's server is not installed (apt-get install postgresql-15)",
                allow_module_level=True)

SCHEMA = "mensenhandel"
READER = "mensenhandel_reader"
# DuckDB's names of the column types the marts use, and PostgreSQL's
SAME_TYPES = {"INTEGER": "integer", "BIGINT": "bigint", "VARCHAR": "character varying",
              "DOUBLE": "double precision", "BOOLEAN": "boolean"}


@pytest.fixture(scope="module")
def cluster():
    with Cluster() as running:
        yield running


def pg_env(cluster, **extra):
    return {**os.environ, **cluster.env, "DO_NOT_TRACK": "1", **extra}


def connect(cluster, user=None):
    connection = psycopg2.connect(host="127.0.0.1", port=cluster.port,
                                  user=user or cluster.env["PGUSER"],
                                  dbname=cluster.env["PGDATABASE"])
    connection.autocommit = True
    return connection


def run_publish(project, cluster, timeout=300):
    return subprocess.run(
        [sys.executable, str(project / "scripts" / "postgres.py"), "publish"],
        env=pg_env(cluster), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def published(cluster):
    """The README's command, run against the cluster: the published warehouse."""
    result = subprocess.run(["bash", "scripts/setup.sh", "--postgres"], cwd=PROJECT,
                            env=pg_env(cluster), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"{SCHEMA}_marts, readable by {READER}" in result.stdout
    return cluster


def model_relations(manifest):
    """(DuckDB schema, PostgreSQL schema, name) of every model the DuckDB
    build made: staging views, intermediate and mart tables, the audit."""
    relations = []
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"]["enabled"]:
            suffix = node["schema"].removeprefix("main_")
            relations.append((node["schema"], f"{SCHEMA}_{suffix}", node["alias"]))
    return sorted(relations)


def rows_in_order(rows):
    """The rows as a multiset: sorted, whatever their order and types."""
    return sorted(rows, key=lambda row: [(value is None, repr(value)) for value in row])


def snapshot(connection):
    """Every published table's columns and rows, and its schema's oid."""
    cursor = connection.cursor()
    cursor.execute(
        "select n.nspname, n.oid, c.relname from pg_class c "
        "join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname like %s and c.relkind in ('r', 'v') order by 1, 3",
        (f"{SCHEMA}\\_%",))
    state = {}
    for schema, oid, table in cursor.fetchall():
        cursor.execute(sql.SQL("select * from {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)))
        state[(schema, oid, table)] = rows_in_order(cursor.fetchall())
    return state


def schema_names(connection):
    cursor = connection.cursor()
    cursor.execute("select nspname from pg_namespace where nspname like 'mensenhandel%'")
    return {name for (name,) in cursor.fetchall()}


@pytest.fixture(scope="module")
def plain_build(cluster, tmp_path_factory):
    """Plain `dbt build --target postgres`, under schemas plain_*: its
    run results and manifest."""
    target = tmp_path_factory.mktemp("plain") / "target"
    result = subprocess.run(
        [DBT, "build", "--target", "postgres", "--target-path", str(target)],
        cwd=PROJECT, env=dict(dbt_env(PROJECT), **cluster.env,
                              MENSENHANDEL_PG_SCHEMA="plain"),
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:]
    results = {r["unique_id"]: r for r in
               json.loads((target / "run_results.json").read_text())["results"]
               if r["unique_id"].split(".")[0] in ("seed", "model", "test", "unit_test")}
    return results, json.loads((target / "manifest.json").read_text())


def test_dbt_build_on_postgres_gives_the_results_of_duckdb(plain_build, build_manifest,
                                                           warehouse):
    """Plain `dbt build --target postgres`: every seed, model and test of the
    DuckDB build but the two Python models of the audit (and their tests),
    with the same outcome: all pass, and the one warning (the identities
    the report breaks) counts the same failing rows as on DuckDB."""
    results, _ = plain_build
    audit_python = {uid for uid, node in build_manifest["nodes"].items()
                    if node["resource_type"] == "model" and node["language"] == "python"}
    expected = {uid for uid, node in build_manifest["nodes"].items()
                if node["resource_type"] in ("seed", "model", "test", "unit_test")
                and uid not in audit_python
                and not set(node.get("depends_on", {}).get("nodes", [])) & audit_python}
    expected |= set(build_manifest.get("unit_tests", {}))
    assert len(audit_python) == 2
    assert set(results) == expected
    assert len(results) > 290

    warned = {uid for uid, r in results.items() if r["status"] == "warn"}
    assert {r["status"] for uid, r in results.items() if uid not in warned} <= {
        "success", "pass"}
    warn_tests = [build_manifest["nodes"][uid] for uid in warned]
    assert [node["name"] for node in warn_tests] == ["identities_broken_by_report"]
    _, duckdb_warned = run_compiled_tests(warehouse, warn_tests)
    assert results[warn_tests[0]["unique_id"]]["failures"] == len(
        duckdb_warned["identities_broken_by_report"]) > 0


def test_the_seed_tests_fail_on_postgres_as_on_duckdb(cluster, plain_build):
    """The mistakes of test_bad_input, one per seed, made in the raw tables
    of the plain build; its compiled seed tests (PostgreSQL's SQL, from its
    manifest) then raise, each with the message DuckDB gives."""
    _, manifest = plain_build
    connection = connect(cluster)
    cursor = connection.cursor()
    for seed, mistake, _ in CASES.values():
        cursor.execute(mistake.format(table=f"plain_raw.{seed}"))
        assert cursor.rowcount == 1, mistake
    tests = [node for node in manifest["nodes"].values()
             if node["resource_type"] == "test" and node["depends_on"]["nodes"]
             and all(parent.startswith("seed.") for parent in node["depends_on"]["nodes"])]
    assert len(tests) > 100
    errors = {}
    for node in tests:
        try:
            cursor.execute(node["compiled_code"])
        except psycopg2.Error as error:
            errors[node["name"]] = str(error)
    for _, _, fragments in CASES.values():
        assert_raised_with(errors, fragments)
    assert len(errors) >= len(CASES)


def test_the_published_marts_equal_duckdbs_value_for_value(published, build_manifest,
                                                           warehouse):
    connection = connect(published)
    cursor = connection.cursor()
    relations = model_relations(build_manifest)
    values = 0
    for duckdb_schema, pg_schema, name in relations:
        duck_columns = warehouse.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [duckdb_schema, name]).fetchall()
        cursor.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (pg_schema, name))
        pg_columns = cursor.fetchall()
        if not pg_schema.endswith(("_marts", "_audit")):
            # no contract: a string is `text` on PostgreSQL, as VARCHAR is on DuckDB
            pg_columns = [(column, "character varying" if kind == "text" else kind)
                          for column, kind in pg_columns]
        assert pg_columns == [(column, SAME_TYPES.get(kind, kind))
                              for column, kind in duck_columns], name
        duck_rows = warehouse.execute(f'select * from {duckdb_schema}."{name}"').fetchall()
        cursor.execute(sql.SQL("select * from {}.{}").format(
            sql.Identifier(pg_schema), sql.Identifier(name)))
        assert rows_in_order(cursor.fetchall()) == rows_in_order(duck_rows), name
        values += len(duck_rows) * len(duck_columns)
    schemas = {pg_schema for _, pg_schema, _ in relations}
    assert {f"{SCHEMA}_marts", f"{SCHEMA}_audit"} <= schemas
    assert len(relations) == 35  # 22 staging views, 5 intermediate, 6 marts, 2 audit
    assert values > 50000


def test_the_bi_questions_give_the_same_answers_on_postgres(published, warehouse):
    """Each query of queries/ (the README's among them), with PostgreSQL's
    schema names, gives DuckDB's answer, row for row and in the same order:
    the marts' questions as the reader role, the audit's as the publisher."""
    reader, admin = connect(published, READER), connect(published)
    queries = sorted((PROJECT / "queries").glob("*.sql"))
    rows = 0
    for path in queries:
        query = path.read_text()
        expected = warehouse.execute(query).fetchall()
        on_postgres = query.replace("main_marts.", f"{SCHEMA}_marts.").replace(
            "main_audit.", f"{SCHEMA}_audit.")
        cursor = (admin if "main_audit." in query else reader).cursor()
        cursor.execute(on_postgres)
        assert cursor.fetchall() == expected, path.name
        rows += len(expected)
    assert len(queries) == 8 and rows > 50


def break_seed(project):
    path = project / "seeds" / "comensha__victims_by_form.csv"
    rows = read_seed(path)
    rows[0]["published_value"] += "a"  # passes the pre-flight, fails a dbt test
    write_seed(path, rows)
    return ("publish: seeds/comensha__victims_by_form.csv:2: row (edition=2022, "
            "year=2018, form=domestic_sexual) has published_value = '135a'")


def break_switch(project):
    """A failure in the switch's transaction, after the marts were renamed."""
    path = project / "scripts" / "postgres.py"
    code = path.read_text()
    rename = ("            cursor.execute(sql.SQL(\"alter schema {} rename to {}\").format(\n"
              "                sql.Identifier(name), sql.Identifier(published)))\n")
    assert code.count(rename) == 1
    path.write_text(code.replace(rename, rename + (
        "            if suffix == \"marts\":\n"
        "                raise RuntimeError(\"broken on purpose\")\n")))
    return "publish: unexpected RuntimeError: broken on purpose"


def break_audit(project):
    path = project / "lib" / "audit_inputs.py"
    path.write_text(path.read_text().replace(
        '    """The table disclosure_suggested_suppression',
        '    raise ValueError("broken on purpose")\n    """The table'))
    return "publish: unexpected ValueError: broken on purpose"


@pytest.mark.parametrize("breaking", [break_seed, break_audit, break_switch])
def test_a_failing_publish_leaves_the_published_schemas_unchanged(published, tmp_path,
                                                                  breaking):
    """A dbt test that fails, the audit step (after dbt built the fresh
    schemas), or the switch's transaction half-way: every published table,
    its schema and its rows stay, the reader reads the marts as before; no
    fresh schema is left."""
    admin = connect(published)
    before = snapshot(admin)
    project = copy_project(tmp_path)
    message = breaking(project)

    result = run_publish(project, published)

    assert result.returncode == 1
    assert message in result.stderr
    assert "the published schemas are unchanged" in result.stderr
    assert snapshot(admin) == before
    assert not {name for name in schema_names(admin) if "__" in name}
    reader = connect(published, READER).cursor()
    reader.execute(f"select count(*) from {SCHEMA}_marts.funnel")
    assert reader.fetchone()[0] == 45


def test_a_second_publish_at_once_fails_at_once(published):
    """While a publish holds the lock, another one fails (it would wait
    with --wait), before building anything."""
    holder = connect(published)
    holder.autocommit = False
    holder.cursor().execute(
        f"lock table {SCHEMA}_control.publish_lock in access exclusive mode")
    try:
        started = time.monotonic()
        result = run_publish(PROJECT, published)
    finally:
        holder.rollback()
    assert result.returncode == 1
    assert f"another publish of {SCHEMA} is running" in result.stderr
    assert time.monotonic() - started < 10


def test_a_reader_keeps_working_during_a_publish_and_sees_the_new_marts(
        published, tmp_path):
    """Queries in a loop during a publish all succeed and then see the new
    marts. A client holding a transaction open on a mart does not block the
    publish (its old schema stays, noted, for a later publish). What the
    reader did to its own read-only setting is undone."""
    project = copy_project(tmp_path)
    path = project / "seeds" / "nrm__codes.csv"
    rows = read_seed(path)
    for row in rows:
        if row["concept"] == "form_of_exploitation" and row["code"] == "domestic_sexual":
            row["label_en"] = "domestic sexual exploitation (new release)"
    write_seed(path, rows)
    query = (f"select distinct category_label_en from {SCHEMA}_marts.demographics "
             "where category = 'domestic_sexual'")
    reader = connect(published, READER)  # connected before the publish starts
    # a role may change its own settings, in one database too (PostgreSQL
    # allows it); a publish sets the read-only one again
    for statement in ["set default_transaction_read_only = off",
                      f"alter role {READER} set default_transaction_read_only = off",
                      f"alter role {READER} in database {published.env['PGDATABASE']} "
                      "set default_transaction_read_only = off",
                      "set default_transaction_read_only = on"]:
        reader.cursor().execute(statement)
    holder = connect(published, READER)  # a transaction open across the publish
    holder.autocommit = False
    holder.cursor().execute(f"select count(*) from {SCHEMA}_marts.funnel")
    seen, failures, done = [], [], threading.Event()

    def read():
        cursor = reader.cursor()
        while not done.is_set():
            try:
                cursor.execute(query)
                seen.append(cursor.fetchone()[0])
            except psycopg2.Error as error:
                failures.append(str(error))
            time.sleep(0.01)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        result = run_publish(project, published)
    finally:
        done.set()
        thread.join()
        holder.rollback()
    assert result.returncode == 0, result.stderr
    assert failures == []
    assert seen[0] == "domestic sexual exploitation" and len(seen) > 100
    cursor = reader.cursor()
    cursor.execute(query)
    assert cursor.fetchone()[0] == "domestic sexual exploitation (new release)"
    # the grants came along with the new schemas: every mart is readable
    cursor.execute("select count(*) from information_schema.tables "
                   "where table_schema = %s", (f"{SCHEMA}_marts",))
    assert cursor.fetchone()[0] == 6
    held = {name for name in schema_names(reader) if "__" in name}
    assert len(held) == 1 and held.pop().endswith("_marts")
    assert "is still read by a client; a later publish drops it" in result.stderr
    later = connect(published, READER).cursor()
    later.execute("show default_transaction_read_only")
    assert later.fetchone()[0] == "on"


def denied(connection, statement):
    """statement fails for lack of a privilege (not for the read-only
    default: the transaction is made read-write first)."""
    cursor = connection.cursor()
    cursor.execute("begin read write")
    try:
        with pytest.raises(errors.InsufficientPrivilege):
            cursor.execute(statement)
    finally:
        cursor.execute("rollback")


def test_the_reader_role_reads_the_marts_and_nothing_else(published):
    admin = connect(published)
    admin.cursor().execute(
        "create schema if not exists other; "
        "create table if not exists other.private (a int); "
        "create table if not exists public.private (a int); "
        # a function of another user, running with its owner's rights
        "create or replace function public.as_owner() returns int "
        "language sql security definer as 'select 1'")
    reader = connect(published, READER)
    cursor = reader.cursor()
    cursor.execute("select table_name from information_schema.tables "
                   "where table_schema = %s order by 1", (f"{SCHEMA}_marts",))
    marts = [name for (name,) in cursor.fetchall()]
    assert marts == ["demographics", "funnel", "prosecution", "reconciliation",
                     "report_statements", "revisions"]
    for mart in marts:
        cursor.execute(f"select count(*) from {SCHEMA}_marts.{mart}")

    unreadable = [
        f"{SCHEMA}_raw.comensha__victims_by_form",
        f"{SCHEMA}_staging.stg_comensha__victims_by_form",
        f"{SCHEMA}_intermediate.int_published_cells",
        f"{SCHEMA}_audit.disclosure_audit",
        f"{SCHEMA}_audit_computed.disclosure_audit",
        "other.private",
        "public.private",
        f"{SCHEMA}_control.publish_lock",
    ]
    for table in unreadable:
        denied(reader, f"select * from {table}")
    for statement in [
        f"insert into {SCHEMA}_marts.funnel (stage) values ('x')",
        f"update {SCHEMA}_marts.funnel set stage = 'x'",
        f"delete from {SCHEMA}_marts.funnel",
        f"truncate {SCHEMA}_marts.funnel",
        f"drop table {SCHEMA}_marts.funnel",
        f"alter table {SCHEMA}_marts.funnel add column x int",
        f"create table {SCHEMA}_marts.x (a int)",
        f"create view {SCHEMA}_marts.x as select 1",
        "create table public.x (a int)",
        "create schema x",
        "create temporary table x (a int)",
        "select public.as_owner()",
        "select lo_create(0)",  # large objects live outside any schema
        "select lo_from_bytea(0, 'x')",
    ]:
        denied(reader, statement)
    # the read-only default holds too
    with pytest.raises(errors.ReadOnlySqlTransaction):
        cursor.execute("create temporary table x (a int)")


def test_a_publisher_that_is_no_superuser(published, tmp_path):
    """As most servers have it: the publishing user owns its database and has
    CREATEROLE, no more; the reader's name has capitals and a space. The
    publish succeeds and notes what needs the administrator (the large
    objects); the reader reads the marts and cannot create a temporary
    table. A user without CREATEROLE is stopped before anything is built."""
    admin = connect(published).cursor()
    for statement in ["create role publisher login createrole",
                      "create database publishing owner publisher",
                      "create role weak login", "create database weak owner weak"]:
        admin.execute(statement)
    reader = "BI Reader"
    env = pg_env(published, PGUSER="publisher", PGDATABASE="publishing",
                 MENSENHANDEL_PG_READER=reader)
    result = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "postgres.py"), "publish"],
        env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"readable by {reader}" in result.stdout
    assert "publish: note: the publishing user may not run `revoke execute on " \
           "function lo_create(oid)" in result.stderr
    connection = psycopg2.connect(host="127.0.0.1", port=published.port, user=reader,
                                  dbname="publishing")
    connection.autocommit = True
    cursor = connection.cursor()
    cursor.execute(f"select count(*) from {SCHEMA}_marts.funnel")
    assert cursor.fetchone()[0] == 45
    denied(connection, "create temporary table x (a int)")
    denied(connection, f"select * from {SCHEMA}_raw.comensha__victims_by_form")

    started = time.monotonic()
    weak = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "postgres.py"), "publish"],
        env=dict(env, PGUSER="weak", PGDATABASE="weak"),
        capture_output=True, text=True, timeout=300)
    assert weak.returncode == 1
    assert f"the user weak may not create or alter the reader role {reader}" in weak.stderr
    assert time.monotonic() - started < 15  # before dbt built anything


def test_old_schemas_that_a_view_reads_stay(published):
    """A view of someone else over replaced schemas keeps them (dropping
    them would drop the view), with a note; without it they go."""
    sys.path.insert(0, str(PROJECT / "scripts"))
    from postgres import drop_replaced

    cursor = connect(published).cursor()
    cursor.execute("create schema t__old1_raw; create table t__old1_raw.cells (a int); "
                   "create schema t__old1_marts; "
                   "create view t__old1_marts.facts as select * from t__old1_raw.cells; "
                   "create schema if not exists other; "
                   "create view other.my_facts as select * from t__old1_marts.facts")
    old = ["t__old1_marts", "t__old1_raw"]
    notes = drop_replaced(cursor, old)
    assert notes == ["t__old1_marts, t__old1_raw stay: the view(s) other.my_facts read "
                     "them; point them at the new schemas, and a later publish drops the old"]
    assert set(old) <= schema_names_like(cursor, "t__old1")
    cursor.execute("drop view other.my_facts")
    assert drop_replaced(cursor, old) == []
    assert not schema_names_like(cursor, "t__old1")


def schema_names_like(cursor, prefix):
    cursor.execute("select nspname from pg_namespace where starts_with(nspname, %s)",
                   (prefix,))
    return {name for (name,) in cursor.fetchall()}
