"""The warehouse on a PostgreSQL server: build it, or publish it for BI tools.

    python scripts/postgres.py publish [--reader ROLE] [--wait SECONDS]
    python scripts/postgres.py build

Where: the standard libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD and
PGDATABASE (the profile's `postgres` target reads them). The schemas are
named after MENSENHANDEL_PG_SCHEMA (default `mensenhandel`):
mensenhandel_raw, _staging, _intermediate, _marts, _audit and
_audit_computed.

build: `dbt build --target postgres` into those schemas, then the
disclosure audit, which dbt-postgres cannot run as a dbt Python model: it is
computed here by the same code as on DuckDB (lib/audit_inputs.py) from the
build's own cells and identity instances, written to <schema>_audit_computed,
and turned into the audit models, with their tests, by a second dbt build of
models/audit/postgres (var audit_computed).

publish: the same guarantees as scripts/publish.py on DuckDB.
1. Checks the seed files (scripts/publish.py's pre-flight).
2. Takes a lock (the table <schema>_control.publish_lock, which readers
   cannot use): a second publish of the same schemas waits up to --wait
   seconds, then fails.
3. Builds and tests everything (the build above) into fresh schemas
   <schema>__next_*; readers see none of it.
4. If anything failed: lists every failing seed, model and test, drops the
   fresh schemas and leaves the published ones as they were.
5. Otherwise grants the reader role (--reader, default mensenhandel_reader;
   created, with LOGIN and no password, if missing) USAGE on the new marts
   schema and SELECT on its tables, and nothing else, then switches in one
   transaction: each published schema is renamed to <schema>__old_*, each
   new one to the published name. Grants travel with the schemas. Queries
   running during the switch finish on the old tables; the next ones read
   the new. Then the old schemas are dropped (waiting for those queries; if
   that times out, the next publish drops them).

The reader role: SELECT on the marts (and USAGE of their schema), CONNECT
to the database, default_transaction_read_only; PUBLIC loses what a new
database gives it there (temporary tables, schema public, large objects:
HARDENING), so the role can create nothing. docs/postgres.md has the
details.
"""

import argparse
import contextlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

import publish  # scripts/: the seed pre-flight, dbt in its own process group, failures

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "lib"))
from audit_inputs import INPUTS, TABLES, inputs_by_edition, sorted_rows  # noqa: E402

AUDIT_COMPUTED = "audit_computed"
WORKDIR_PREFIX = "mensenhandel-pg-publish-"  # + the publish's process id
# PostgreSQL truncates identifiers beyond 63 bytes; the longest suffix is ours
LONGEST_SUFFIX = "__next_" + "intermediate"


def connect():
    """A connection by the libpq variables, as the profile's target makes."""
    connection = psycopg2.connect(dbname=os.environ.get("PGDATABASE", "mensenhandel"))
    connection.autocommit = True
    return connection


@contextlib.contextmanager
def transaction(connection):
    """One transaction on an autocommit connection: committed at the end,
    rolled back on any exception; the connection is back in autocommit
    either way (so that a cleanup after a failure is not rolled back)."""
    connection.autocommit = False
    try:
        with connection:
            yield connection.cursor()
    finally:
        connection.autocommit = True


def schemas_with_prefix(cursor, prefix):
    cursor.execute("select nspname from pg_namespace")
    return sorted(name for (name,) in cursor.fetchall() if name.startswith(prefix))


def drop_schemas(cursor, names):
    for name in names:
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(
            sql.Identifier(name)))


# --------------------------------------------------------------------------
# The build: dbt, the audit, dbt again for the audit's models

def dbt_step(workdir, name, schema, *args):
    """One dbt run against the postgres target with schemas named after
    `schema`; raises PublishError listing every failure."""
    target = workdir / name
    target.mkdir(parents=True)
    status, output = publish.run_dbt(
        workdir, target, *args, "--target", "postgres",
        env={"MENSENHANDEL_PG_SCHEMA": schema})
    if status != 0 or not (target / "run_results.json").exists():
        bad = publish.failures(target, output, workdir)
        raise publish.PublishError(*bad, f"the build failed ({len(bad)} problem"
                                   f"{'s' * (len(bad) > 1)})")


def compute_audit(connection, schema):
    """The disclosure audit's tables of the build under `schema`, computed
    from its own published cells and identity instances, into
    <schema>_audit_computed."""
    cursor = connection.cursor()
    rows = {}
    for name, (suffix, relation, key) in INPUTS.items():
        cursor.execute(sql.SQL("select * from {}.{}").format(
            sql.Identifier(f"{schema}_{suffix}"), sql.Identifier(relation)))
        columns = [column.name for column in cursor.description]
        rows[name] = sorted_rows(columns, cursor.fetchall(), key)
    editions = inputs_by_edition(rows)
    target = sql.Identifier(f"{schema}_{AUDIT_COMPUTED}")
    with transaction(connection) as cursor:  # all of it or nothing
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(target))
        cursor.execute(sql.SQL("create schema {}").format(target))
        for table, (build, column_types) in TABLES.items():
            frame = build(editions)
            cursor.execute(sql.SQL("create table {}.{} ({})").format(
                target, sql.Identifier(table), sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind))
                    for column, kind in column_types.items())))
            insert = sql.SQL("insert into {}.{} values ({})").format(
                target, sql.Identifier(table),
                sql.SQL(", ").join(sql.Placeholder() * len(column_types)))
            values = [tuple(None if value is None else
                            value.item() if hasattr(value, "item") else value
                            for value in row)
                      for row in frame.astype(object).itertuples(index=False)]
            cursor.executemany(insert, values)


def build(workdir, connection, schema):
    """Seeds, models and every test under `schema`, the audit included."""
    dbt_step(workdir, "target", schema, "build", "--full-refresh")
    compute_audit(connection, schema)
    dbt_step(workdir, "target-audit", schema, "build", "--select", "path:models/audit",
             "--vars", "{audit_computed: true}")


# --------------------------------------------------------------------------
# The publish: lock, fresh schemas, grants, switch

def take_lock(schema, wait):
    """A connection holding this warehouse's publish lock until it closes:
    an exclusive lock on the table <schema>_control.publish_lock, in a
    schema no reader may use (an advisory lock could be taken by any role,
    the reader too, and so block every publish)."""
    connection = connect()
    cursor = connection.cursor()
    control = sql.Identifier(f"{schema}_control")
    cursor.execute(sql.SQL("create schema if not exists {}").format(control))
    cursor.execute(sql.SQL("create table if not exists {}.publish_lock ()").format(control))
    connection.autocommit = False
    deadline = time.monotonic() + wait
    while True:
        try:
            cursor.execute(sql.SQL("lock table {}.publish_lock in access exclusive mode "
                                   "nowait").format(control))
            return connection
        except psycopg2.errors.LockNotAvailable:
            connection.rollback()
        if time.monotonic() >= deadline:
            connection.close()
            raise publish.PublishError(
                f"another publish of {schema} is running; try again later, or "
                "wait for it with --wait SECONDS")
        time.sleep(0.5)


# What PUBLIC (so every role, the reader too) may do by default in a new
# database and must not here: create temporary tables, use objects others
# put in schema public (their SECURITY DEFINER functions included), and
# create large objects, which are stored in the database whatever schema
# the reader may use. The first two need the database's owner, the large
# objects a superuser.
HARDENING = [
    # what the reader made with what it could do before this publish
    "select lo_unlink(oid) from pg_largeobject_metadata where lomowner = {reader}::regrole",
    "revoke temporary on database {database} from public",
    "grant temporary on database {database} to current_user",
    "revoke all on schema public from public",
    "revoke execute on function lo_create(oid), lo_creat(integer), "
    "lo_from_bytea(oid, bytea), lo_import(text), lo_import(text, oid) from public",
]


def grant_reader(connection, reader, marts_schema):
    """The reader role (created if missing) may connect and read the marts
    schema `marts_schema`: nothing else. Returns what it could not do (a
    statement that needs more privileges than the publishing user has)."""
    cursor = connection.cursor()
    role = sql.Identifier(reader)
    database = sql.Identifier(connection.info.dbname)
    cursor.execute("select 1 from pg_roles where rolname = %s", (reader,))
    if not cursor.fetchone():
        cursor.execute(sql.SQL(
            "create role {} login nosuperuser nocreatedb nocreaterole noinherit "
            "noreplication").format(role))
    # a role may change its own settings: the publish sets them again
    cursor.execute(sql.SQL("alter role {} reset all").format(role))
    cursor.execute(sql.SQL("alter role {} set default_transaction_read_only = on")
                   .format(role))
    skipped = []
    for statement in HARDENING:
        statement = sql.SQL(statement).format(database=database, reader=sql.Literal(reader))
        warned = len(connection.notices)
        try:
            cursor.execute(statement)
        except psycopg2.errors.InsufficientPrivilege:
            skipped.append(statement.as_string(connection))
            continue
        # a REVOKE by a user who may not revoke only warns
        if any("no privileges" in notice for notice in connection.notices[warned:]):
            skipped.append(statement.as_string(connection))
    cursor.execute(sql.SQL("grant connect on database {} to {}").format(database, role))
    cursor.execute(sql.SQL("grant usage on schema {} to {}").format(
        sql.Identifier(marts_schema), role))
    cursor.execute(sql.SQL("grant select on all tables in schema {} to {}").format(
        sql.Identifier(marts_schema), role))
    return skipped


def switch(connection, schema, fresh):
    """In one transaction: each published schema <schema>_x becomes
    <schema>__old_x and each fresh <schema>__next_x becomes <schema>_x.
    Returns the old schemas."""
    old = []
    with transaction(connection) as cursor:
        cursor.execute("set local lock_timeout = '30s'")
        for name in fresh:
            suffix = name.removeprefix(f"{schema}__next_")
            published = f"{schema}_{suffix}"
            cursor.execute("select 1 from pg_namespace where nspname = %s", (published,))
            if cursor.fetchone():
                old.append(f"{schema}__old_{suffix}")
                cursor.execute(sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(published), sql.Identifier(old[-1])))
            cursor.execute(sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(name), sql.Identifier(published)))
    return old


def drop_old(connection, old):
    """Drops the schemas the switch replaced, once the queries still reading
    them are done (at most a minute); else leaves them to the next publish."""
    cursor = connection.cursor()
    try:
        cursor.execute("set lock_timeout = '60s'")
        drop_schemas(cursor, old)
    except psycopg2.errors.LockNotAvailable:
        print("publish: the previous schemas are still being read; the next publish "
              "drops them", file=sys.stderr)
    finally:
        cursor.execute("reset lock_timeout")


def remove_stale_workdirs(parent):
    """The work directories of publishes that were killed (SIGKILL)."""
    for path in parent.glob(f"{WORKDIR_PREFIX}*"):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(path, ignore_errors=True)


def run_publish(schema, reader, wait, workdir):
    """Returns the hardening statements the publishing user could not run."""
    problems = publish.check_seeds(PROJECT)
    if problems:
        raise publish.PublishError(
            *problems, f"{len(problems)} problem{'s' * (len(problems) > 1)} in the seed "
            "files; nothing was built or published")
    lock = take_lock(schema, wait)
    connection = connect()
    try:
        remove_stale_workdirs(workdir.parent)
        cursor = connection.cursor()
        # what a killed publish left: never read by anyone
        drop_schemas(cursor, schemas_with_prefix(cursor, f"{schema}__next_")
                     + schemas_with_prefix(cursor, f"{schema}__old_"))
        fresh_schema = f"{schema}__next"
        try:
            build(workdir, connection, fresh_schema)
            fresh = schemas_with_prefix(cursor, f"{fresh_schema}_")
            skipped = grant_reader(connection, reader, f"{fresh_schema}_marts")
            for signum in publish.SIGNALS:  # the rest takes milliseconds: let it finish
                signal.signal(signum, signal.SIG_IGN)
            old = switch(connection, schema, fresh)
        except BaseException:
            drop_schemas(cursor, schemas_with_prefix(cursor, f"{fresh_schema}_"))
            raise
        drop_old(connection, old)
        return skipped
    finally:
        connection.close()
        lock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "publish"])
    parser.add_argument("--reader", default=os.environ.get(
        "MENSENHANDEL_PG_READER", "mensenhandel_reader"),
        help="the read-only role of BI tools (default mensenhandel_reader)")
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds to wait for another publish to finish")
    args = parser.parse_args()
    schema = os.environ.get("MENSENHANDEL_PG_SCHEMA", "mensenhandel")
    if len(schema + LONGEST_SUFFIX) > 63:
        print(f"{args.command}: the schema name {schema} is too long for PostgreSQL "
              f"(at most {63 - len(LONGEST_SUFFIX)} characters)", file=sys.stderr)
        return 1

    def interrupt(signum, frame):
        for other in publish.SIGNALS:  # the cleanup runs once
            signal.signal(other, signal.SIG_IGN)
        raise publish.Interrupted(signum)

    for signum in publish.SIGNALS:
        signal.signal(signum, interrupt)
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"{WORKDIR_PREFIX}{os.getpid()}"
    workdir.mkdir(parents=True)
    untouched = "; the published schemas are unchanged" if args.command == "publish" else ""
    try:
        if args.command == "build":
            connection = connect()
            try:
                build(workdir, connection, schema)
            finally:
                connection.close()
        else:
            for statement in run_publish(schema, args.reader, args.wait, workdir):
                print(f"publish: note: the publishing user may not run `{statement}`; "
                      "ask the server's administrator to (docs/postgres.md)",
                      file=sys.stderr)
    except publish.PublishError as error:
        lines = [*error.lines[:-1], error.lines[-1] + untouched]
    except publish.Interrupted as error:
        signum = error.args[0]
        print(f"{args.command}: interrupted by {signal.Signals(signum).name}{untouched}",
              file=sys.stderr)
        return 128 + signum
    except psycopg2.Error as error:
        lines = [" ".join(str(error).split())[:1000] + untouched]
    except Exception as error:  # a bug of this script or lib/: still one line
        lines = [f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:1000]}"
                 f"{untouched} (please report it with the command you ran)"]
    else:
        where = f"{schema}_marts" if args.command == "build" else (
            f"{schema}_marts, readable by {args.reader}")
        print(f"{args.command}: the warehouse is in {where}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for line in lines:
        print(f"{args.command}: {line}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
