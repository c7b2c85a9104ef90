"""The warehouse on a PostgreSQL server: build it, or publish it for BI tools.

    python scripts/postgres.py publish [--reader ROLE] [--wait SECONDS]
    python scripts/postgres.py build

Where: the standard libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD and
PGDATABASE, with the profile's defaults (connection_parameters). The
schemas are named after MENSENHANDEL_PG_SCHEMA (default `mensenhandel` for
publish, `mensenhandel_dev` for build, as for a plain dbt build):
mensenhandel_raw, _staging, _intermediate, _marts, _audit, _audit_computed
and _control (the publish's lock).

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
   <schema>__next<id>_* (<id>: the start time); readers see none of it.
4. If anything failed, or a signal came: lists every failing seed, model
   and test, drops the fresh schemas and leaves the published ones as they
   were.
5. Otherwise, in one transaction: the reader role (--reader, default
   mensenhandel_reader; created, with LOGIN and no password, if missing)
   is made read-only by default again, PUBLIC loses HARDENING, and the
   reader may connect and read the new marts schema, nothing else; each
   published schema is renamed to <schema>__old<id>_*, each new one to the
   published name. Grants travel with the schemas. Queries running during
   the switch finish on the old tables; the next ones read the new. Then
   the old schemas are dropped. No statement waits more than LOCK_TIMEOUT
   for a client's lock: a schema still read stays for a later publish,
   under a name that is in nobody's way (so does one that another view
   reads).
Before building, the statements of step 5 are tried and rolled back: a user
who may not run them is stopped at once.

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
import psycopg2.extras
from psycopg2 import sql

import publish  # scripts/: the seed pre-flight, dbt in its own process group, failures

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "lib"))
from audit_inputs import INPUTS, TABLES, inputs_by_edition, sorted_rows  # noqa: E402

AUDIT_COMPUTED = "audit_computed"
WORKDIR_PREFIX = "mensenhandel-pg-publish-"  # + the publish's process id
# A publish's own schemas: <schema>__next<id>_x while it builds,
# <schema>__old<id>_x once replaced; <id> is its start time, so that a
# schema left behind (still read, or by a killed publish) never stands in
# the way of the next publish.
STAMP = "%y%m%d%H%M%S"
# PostgreSQL truncates identifiers beyond 63 bytes; the longest suffix is ours
LONGEST_SUFFIX = "__next" + "0" * 12 + "_" + AUDIT_COMPUTED
# How long a statement of the publish may wait for a lock that a client holds.
LOCK_TIMEOUT = "10s"


def connection_parameters(database=None):
    """Where to connect: the libpq variables, with the defaults of the
    profile's postgres target, so that this script and dbt reach the same
    server as the same user."""
    return {
        "host": os.environ.get("PGHOST", "localhost"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
        "password": os.environ.get("PGPASSWORD", ""),
        "dbname": database or os.environ.get("PGDATABASE", "mensenhandel"),
    }


def connect():
    """A connection as the profile's target makes; no statement waits longer
    than LOCK_TIMEOUT for a lock."""
    connection = psycopg2.connect(**connection_parameters(),
                                  options=f"-c lock_timeout={LOCK_TIMEOUT}")
    connection.autocommit = True
    return connection


def ensure_database():
    """Creates the warehouse's database (PGDATABASE) if it does not exist
    yet and the user may create databases; else says what to do."""
    name = connection_parameters()["dbname"]
    try:
        psycopg2.connect(**connection_parameters()).close()
        return
    except psycopg2.OperationalError as error:
        if f'database "{name}" does not exist' not in str(error):
            raise
    try:
        maintenance = psycopg2.connect(**connection_parameters("postgres"))
        maintenance.autocommit = True
        maintenance.cursor().execute(sql.SQL("create database {}").format(
            sql.Identifier(name)))
        maintenance.close()
    except psycopg2.Error as error:
        raise publish.PublishError(
            f"the database {name} does not exist and could not be created "
            f"({' '.join(str(error).split())}); create it, owned by the publishing user: "
            f"createdb {name}") from None


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
    """Drops the schemas; returns those a client still holds (a lock wait
    longer than LOCK_TIMEOUT), which stay for a later publish."""
    held = []
    for name in names:
        try:
            cursor.execute(sql.SQL("drop schema if exists {} cascade").format(
                sql.Identifier(name)))
        except psycopg2.errors.LockNotAvailable:
            held.append(name)
    return held


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
    for _ in range(2):  # two first publishes at once: one creates, one finds
        try:
            cursor.execute(sql.SQL("create schema if not exists {}").format(control))
            cursor.execute(sql.SQL("create table if not exists {}.publish_lock ()")
                           .format(control))
            break
        except psycopg2.errors.UniqueViolation:
            continue
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
# the reader may use (the reader's own are removed). The first two need the
# database's owner, the large objects a superuser.
HARDENING = [
    "select lo_unlink(m.oid) from pg_largeobject_metadata as m "
    "join pg_roles as r on r.oid = m.lomowner where r.rolname = {reader}",
    "revoke temporary on database {database} from public",
    "grant temporary on database {database} to current_user",
    "revoke all on schema public from public",
    "revoke execute on function lo_create(oid), lo_creat(integer), "
    "lo_from_bytea(oid, bytea), lo_import(text), lo_import(text, oid) from public",
]


def run_noting(connection, cursor, statement, skipped):
    """Runs statement within the open transaction; if the publishing user
    may not (an error, or a GRANT or REVOKE that only warns), undoes it and
    adds it to skipped instead."""
    warned = len(connection.notices)
    cursor.execute("savepoint noting")
    try:
        cursor.execute(statement)
    except psycopg2.errors.InsufficientPrivilege:
        cursor.execute("rollback to savepoint noting")
        skipped.append(statement.as_string(connection))
        return
    cursor.execute("release savepoint noting")
    if any("no privileges" in notice for notice in connection.notices[warned:]):
        skipped.append(statement.as_string(connection))


def prepare_reader(connection, cursor, reader, skipped):
    """Within the open transaction: the reader role, created if missing
    (LOGIN, no password, no other attribute), read-only by default (a role
    may change its own settings, in one database too, so the publish sets
    this one again each time; the administrator's other settings stay), and
    PUBLIC without HARDENING."""
    role = sql.Identifier(reader)
    cursor.execute("select 1 from pg_roles where rolname = %s", (reader,))
    if not cursor.fetchone():
        cursor.execute(sql.SQL(
            "create role {} login nosuperuser nocreatedb nocreaterole noinherit "
            "noreplication").format(role))
    cursor.execute("select d.datname from pg_db_role_setting as s "
                   "join pg_database as d on d.oid = s.setdatabase "
                   "join pg_roles as r on r.oid = s.setrole where r.rolname = %s",
                   (reader,))
    for (database,) in cursor.fetchall():
        for setting in ("default_transaction_read_only", "transaction_read_only"):
            cursor.execute(sql.SQL("alter role {} in database {} reset {}").format(
                role, sql.Identifier(database), sql.Identifier(setting)))
    cursor.execute(sql.SQL("alter role {} reset transaction_read_only").format(role))
    cursor.execute(sql.SQL("alter role {} set default_transaction_read_only = on")
                   .format(role))
    names = {"database": sql.Identifier(connection.info.dbname),
             "reader": sql.Literal(reader)}
    for statement in HARDENING:
        run_noting(connection, cursor, sql.SQL(statement).format(**names), skipped)
    run_noting(connection, cursor, sql.SQL("grant connect on database {} to {}").format(
        names["database"], role), skipped)


def check_privileges(connection, reader):
    """Before building: the publishing user may create schemas in the
    database and prepare the reader role (tried, then rolled back)."""
    cursor = connection.cursor()
    cursor.execute("select has_database_privilege(current_database(), 'create')")
    if not cursor.fetchone()[0]:
        raise publish.PublishError(
            f"the user {connection.info.user} may not create schemas in the database "
            f"{connection.info.dbname}: publish as its owner (or grant CREATE on it)")
    try:
        with transaction(connection) as cursor:
            prepare_reader(connection, cursor, reader, [])
            raise Rollback
    except Rollback:
        pass
    except psycopg2.errors.InsufficientPrivilege as error:
        raise publish.PublishError(
            f"the user {connection.info.user} may not create or alter the reader role "
            f"{reader} ({' '.join(str(error).split())}): it needs CREATEROLE (and, from "
            "PostgreSQL 16, ADMIN OPTION on the role)") from None


class Rollback(Exception):
    """Ends a transaction that only tried its statements."""


def switch(connection, schema, reader, fresh_schema, old_schema, skipped):
    """In one transaction: the reader role prepared (prepare_reader), with
    USAGE and SELECT on the fresh marts; each published schema <schema>_x
    becomes <old_schema>_x and each fresh one <schema>_x. Returns the old
    schemas. Renaming a schema waits for no reader: a query running now
    finishes on the old tables."""
    role = sql.Identifier(reader)
    old = []
    with transaction(connection) as cursor:
        prepare_reader(connection, cursor, reader, skipped)
        for name in schemas_with_prefix(cursor, f"{fresh_schema}_"):
            suffix = name.removeprefix(f"{fresh_schema}_")
            published = f"{schema}_{suffix}"
            if suffix == "marts":
                cursor.execute(sql.SQL("grant usage on schema {} to {}").format(
                    sql.Identifier(name), role))
                cursor.execute(sql.SQL("grant select on all tables in schema {} to {}")
                               .format(sql.Identifier(name), role))
            cursor.execute("select 1 from pg_namespace where nspname = %s", (published,))
            if cursor.fetchone():
                old.append(f"{old_schema}_{suffix}")
                cursor.execute(sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(published), sql.Identifier(old[-1])))
            cursor.execute(sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(name), sql.Identifier(published)))
    return old


def views_outside(cursor, schemas):
    """The views outside `schemas` that read a table or view inside them
    (a user's own view over the marts, say), as schema.view."""
    cursor.execute(
        "select distinct vn.nspname || '.' || v.relname "
        "from pg_depend as d "
        "join pg_rewrite as w on w.oid = d.objid "
        "join pg_class as v on v.oid = w.ev_class "
        "join pg_namespace as vn on vn.oid = v.relnamespace "
        "join pg_class as t on t.oid = d.refobjid "
        "join pg_namespace as tn on tn.oid = t.relnamespace "
        "where d.classid = 'pg_rewrite'::regclass "
        "and d.refclassid = 'pg_class'::regclass "
        "and tn.nspname = any(%s) and not vn.nspname = any(%s) "
        "order by 1", (list(schemas), list(schemas)))
    return [name for (name,) in cursor.fetchall()]


def drop_replaced(cursor, schemas):
    """Drops schemas a switch replaced; returns notes on those that stay:
    all of them while a view of someone else reads them (dropping them would
    drop the view; after the switch it reads the old tables), else those
    that a client still reads (a later publish drops them)."""
    if not schemas:
        return []
    readers = views_outside(cursor, schemas)
    if readers:
        return [f"{', '.join(schemas)} stay: the view(s) {', '.join(readers)} read them; "
                "point them at the new schemas, and a later publish drops the old"]
    return [f"{name} is still read by a client; a later publish drops it"
            for name in drop_schemas(cursor, schemas)]


def remove_stale_workdirs(parent):
    """The work directories of publishes that were killed (SIGKILL)."""
    for path in parent.glob(f"{WORKDIR_PREFIX}*"):
        pid = path.name.removeprefix(WORKDIR_PREFIX)
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(path, ignore_errors=True)


def run_publish(schema, reader, wait, workdir):
    """Returns what the publishing user may not do (statements for the
    administrator) and the schemas left for a later publish."""
    problems = publish.check_seeds(PROJECT)
    if problems:
        raise publish.PublishError(
            *problems, f"{len(problems)} problem{'s' * (len(problems) > 1)} in the seed "
            "files; nothing was built or published")
    ensure_database()
    connection = connect()
    try:
        check_privileges(connection, reader)  # before anything is created
    except BaseException:
        connection.close()
        raise
    lock = take_lock(schema, wait)
    skipped = []
    try:
        remove_stale_workdirs(workdir.parent)
        cursor = connection.cursor()
        # what earlier publishes left: fresh schemas of a killed one, old ones
        # still read when they ended
        drop_schemas(cursor, schemas_with_prefix(cursor, f"{schema}__next"))
        held = drop_replaced(cursor, schemas_with_prefix(cursor, f"{schema}__old"))
        stamp = time.strftime(STAMP, time.gmtime())
        fresh_schema = f"{schema}__next{stamp}"
        try:
            build(workdir, connection, fresh_schema)
            for signum in publish.SIGNALS:  # the rest takes milliseconds: let it finish
                signal.signal(signum, signal.SIG_IGN)
            if RECEIVED:  # a signal that wait_select turned into a cancel too late
                raise Interrupted(RECEIVED[0])
            old = switch(connection, schema, reader, fresh_schema, f"{schema}__old{stamp}",
                         skipped)
        except BaseException:
            drop_schemas(cursor, schemas_with_prefix(cursor, f"{fresh_schema}_"))
            raise
        held += drop_replaced(cursor, old)
        return skipped, held
    finally:
        connection.close()
        lock.close()


RECEIVED = []  # the signal that interrupted the publish


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived. A KeyboardInterrupt, so that
    psycopg2's wait_select cancels a running statement (and the server's
    error follows), instead of the signal waiting for the statement's end."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "publish"])
    parser.add_argument("--reader", default=os.environ.get(
        "MENSENHANDEL_PG_READER", "mensenhandel_reader"),
        help="the read-only role of BI tools (default mensenhandel_reader)")
    parser.add_argument("--wait", type=float, default=0,
                        help="seconds to wait for another publish to finish")
    args = parser.parse_args()
    schema = os.environ.get("MENSENHANDEL_PG_SCHEMA") or (
        "mensenhandel" if args.command == "publish" else "mensenhandel_dev")
    if len((schema + LONGEST_SUFFIX).encode()) > 63:  # bytes, as PostgreSQL counts
        print(f"{args.command}: the schema name {schema} is too long for PostgreSQL "
              f"(at most {63 - len(LONGEST_SUFFIX)} bytes)", file=sys.stderr)
        return 1

    def interrupt(signum, frame):
        for other in publish.SIGNALS:  # the cleanup runs once
            signal.signal(other, signal.SIG_IGN)
        RECEIVED.append(signum)
        raise Interrupted(signum)

    for signum in publish.SIGNALS:
        signal.signal(signum, interrupt)
    psycopg2.extensions.set_wait_callback(psycopg2.extras.wait_select)
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"{WORKDIR_PREFIX}{os.getpid()}"
    shutil.rmtree(workdir, ignore_errors=True)  # of a killed publish with our pid
    workdir.mkdir(parents=True)
    untouched = "; the published schemas are unchanged" if args.command == "publish" else ""
    notes = []
    try:
        if args.command == "build":
            ensure_database()
            connection = connect()
            try:
                if schemas_with_prefix(connection.cursor(), f"{schema}_control"):
                    raise publish.PublishError(
                        f"{schema} is published (scripts/postgres.py publish); build "
                        "writes in place: choose a schema name of your own with "
                        "MENSENHANDEL_PG_SCHEMA")
                build(workdir, connection, schema)
            finally:
                connection.close()
        else:
            skipped, held = run_publish(schema, args.reader, args.wait, workdir)
            notes = [f"note: the publishing user may not run `{statement}`; ask the "
                     "server's administrator to (docs/postgres.md)" for statement in skipped]
            notes += [f"note: {line}" for line in held]
    except (Interrupted, publish.Interrupted, psycopg2.errors.QueryCanceled):
        if not RECEIVED:
            raise
        print(f"{args.command}: interrupted by {signal.Signals(RECEIVED[0]).name}"
              f"{untouched}", file=sys.stderr)
        return 128 + RECEIVED[0]
    except publish.PublishError as error:
        lines = [*error.lines[:-1], error.lines[-1] + untouched]
    except psycopg2.Error as error:
        lines = [" ".join(str(error).split())[:1000] + untouched]
    except Exception as error:  # a bug of this script or lib/: still one line
        lines = [f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:1000]}"
                 f"{untouched} (please report it with the command you ran)"]
    else:
        for line in notes:
            print(f"{args.command}: {line}", file=sys.stderr)
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
