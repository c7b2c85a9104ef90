"""A throwaway PostgreSQL cluster for the checks: started on a free local
port in a temporary directory, stopped and removed afterwards.

    python lib/pg_cluster.py start DIR   # prints the libpq variables to export
    python lib/pg_cluster.py stop DIR

or, from Python, ``with Cluster() as cluster: cluster.env`` (the variables
PGHOST, PGPORT, PGUSER, PGDATABASE that the profile's postgres target reads).

The server binaries come from Debian's postgresql-15 package. initdb refuses
to run as root, so as root the cluster belongs to the package's `postgres`
user. Connections are trusted, on the loopback and a socket in DIR only:
the cluster holds nothing but the warehouse of one check. The database
collates with ICU's en-US, as servers usually do (not C), so that the checks
see any difference in order between DuckDB and PostgreSQL.
"""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUPERUSER = "warehouse_admin"
DATABASE = "mensenhandel"
BIN_DIRS = ["/usr/lib/postgresql/15/bin"]


def server_binaries():
    """The directory of initdb and pg_ctl, or None when PostgreSQL is missing."""
    for directory in [os.environ.get("MENSENHANDEL_PG_BIN"), *BIN_DIRS]:
        if directory and (Path(directory) / "initdb").exists():
            return Path(directory)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A running throwaway cluster; stop() ends it and removes its files."""

    def __init__(self, directory=None, port=None):
        self.bin = server_binaries()
        if self.bin is None:
            raise RuntimeError(
                "PostgreSQL 15 is not installed: apt-get install postgresql-15")
        self.directory = Path(directory or tempfile.mkdtemp(prefix="mensenhandel-pg-"))
        self.data = self.directory / "data"
        self.port = port or free_port()

    @property
    def env(self):
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port),
                "PGUSER": SUPERUSER, "PGDATABASE": DATABASE, "PGPASSWORD": ""}

    def _as_owner(self, args):
        """args run as the cluster's owner (the `postgres` user when root)."""
        if os.geteuid() != 0:
            return args
        return ["runuser", "-u", "postgres", "--", *args]

    def _run(self, args):
        result = subprocess.run(self._as_owner(args), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def start(self):
        """initdb, start, create the database; on any failure, stops what
        started and removes the directory."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                   "-A", "trust", "-E", "UTF8", "--locale", "C", "--no-sync"])
        options = (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                   "-l", str(self.directory / "server.log"), "-w", "start"])
        deadline = time.monotonic() + 30
        while True:
            ready = subprocess.run(
                [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True)
            if ready.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the throwaway PostgreSQL did not start")
            time.sleep(0.2)
        # a server's usual collation (not C), so that the checks see any
        # difference in order between the engines
        self.psql(f"create database {DATABASE} template template0 "
                  "locale_provider icu icu_locale 'en-US'", database="postgres")
        return self

    def psql(self, sql, database=DATABASE, user=SUPERUSER):
        result = subprocess.run(
            [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
             "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", database,
             "-c", sql],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout

    def stop(self):
        if self.data.exists():
            subprocess.run(self._as_owner(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                 "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv):
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    directory = Path(argv[2])
    if argv[1] == "start":
        cluster = Cluster(directory).start()
        (directory / "port").write_text(str(cluster.port))
        for name, value in cluster.env.items():
            print(f"export {name}={value}")
    else:
        Cluster(directory, port=0).stop()  # pg_ctl stop needs no port


if __name__ == "__main__":
    main(sys.argv)
