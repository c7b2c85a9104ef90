"""sqlfluff lint of the models and singular tests, skipping the files that
passed a lint unchanged (a cache of clean files, target/lint-cache.json).

A file's lint depends on the file, and, through the dbt templater's
rendering, on every macro (generic tests included), every YAML file, the
project's and sqlfluff's configuration, the names of the project's nodes,
and the versions of sqlfluff and dbt. The cache key of a file is a hash
of all of these, so a change to any macro or YAML file lints every file
again; a change to a model lints that model again; a change to a seed's
values, to Python or to the docs lints nothing. Only files with no
violation at all are cached.

target/ is not committed: a fresh clone (CI) has no cache and lints every
file.
"""

import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

LINTED = ["models", "tests/singular"]
CONFIG_FILES = [".sqlfluff", ".sqlfluffignore", "dbt_project.yml", "profiles.yml"]
# dbt loads macros from these (generic tests are macros too)
MACRO_DIRECTORIES = ["macros", "tests/generic"]
NODE_DIRECTORIES = ["models", "seeds", "tests", "snapshots", "analyses"]
VERSIONS = ["sqlfluff", "sqlfluff-templater-dbt", "dbt-core", "dbt-adapters", "dbt-duckdb"]
CACHE_NAME = "lint-cache.json"


def linted_files(project):
    """The files sqlfluff lints in LINTED (its own discovery, with
    .sqlfluffignore), as paths relative to the project."""
    from sqlfluff.core.linter.discovery import paths_from_path
    files = set()
    for path in LINTED:
        files.update(paths_from_path(str(project / path), working_path=str(project)))
    return sorted(Path(path).resolve().relative_to(project) for path in files)


def context_hash(project):
    """A hash of everything but the file itself that a file's lint depends on."""
    digest = hashlib.sha256()

    def add(label, data):
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    for name in VERSIONS:
        add("version", f"{name}=={metadata.version(name)}".encode())
    for name in CONFIG_FILES:
        path = project / name
        add(name, path.read_bytes() if path.exists() else b"")
    for directory in MACRO_DIRECTORIES:
        for path in sorted((project / directory).rglob("*")):
            if path.is_file():
                add(str(path.relative_to(project)), path.read_bytes())
    for directory in NODE_DIRECTORIES:
        for path in sorted((project / directory).rglob("*")):
            if not path.is_file():
                continue
            name = str(path.relative_to(project))
            # YAML configures and describes nodes; the other files' names
            # are the nodes a ref() or source() can render
            add(name, path.read_bytes() if path.suffix in (".yml", ".yaml") else b"")
    return digest.hexdigest()


def file_keys(project, files):
    context = context_hash(project)
    return {
        str(path): hashlib.sha256(
            context.encode() + (project / path).read_bytes()).hexdigest()
        for path in files
    }


def format_violations(result, project):
    """sqlfluff's JSON result as lines in the style of its human output."""
    lines = []
    for entry in result:
        if not entry["violations"]:
            continue
        name = Path(entry["filepath"]).resolve().relative_to(project)
        lines.append(f"== [{name}] FAIL")
        for violation in entry["violations"]:
            lines.append(
                f"L:{violation['start_line_no']:4d} | P:{violation['start_line_pos']:4d} | "
                f"{violation['code']} | {violation['description']} "
                f"[{violation.get('name', '')}]"
                + (" (warning)" if violation.get("warning") else ""))
    return lines


class Lint:
    """One lint of the files whose cache key changed, in the background."""

    def __init__(self, project, sqlfluff, work, env):
        self.project = project
        self.cache_path = project / "target" / CACHE_NAME
        self.result_path = work.parent / "result.json"
        self.log_path = work.parent / "sqlfluff.log"
        files = linted_files(project)
        self.keys = file_keys(project, files)
        cached = {}
        if self.cache_path.exists():
            cached = json.loads(self.cache_path.read_text())
        self.unchanged = [name for name, key in self.keys.items()
                          if cached.get(name) == key]
        self.todo = [name for name in self.keys if name not in self.unchanged]
        self.process = None
        if self.todo:
            with self.log_path.open("w") as log:
                self.process = subprocess.Popen(
                    [sqlfluff, "lint", "--format", "json", "--write-output",
                     str(self.result_path), *(str(project / name) for name in self.todo)],
                    cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                )

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def wait(self):
        """Waits for the lint; prints its report; returns its exit status."""
        print(f"{len(self.unchanged)} of {len(self.keys)} files unchanged since "
              f"their last clean lint ({self.cache_path.relative_to(self.project)})",
              flush=True)
        if self.process is None:
            return 0
        status = self.process.wait()
        result = []
        if self.result_path.exists() and self.result_path.stat().st_size:
            result = json.loads(self.result_path.read_text())
        lines = format_violations(result, self.project)
        if status != 0 and not lines:
            # sqlfluff itself failed (e.g. the templater could not start)
            lines.append(self.log_path.read_text())
        print("\n".join(lines) or f"{len(self.todo)} files linted: no violations",
              flush=True)
        clean = {str(Path(entry["filepath"]).resolve().relative_to(self.project))
                 for entry in result if not entry["violations"]}
        cache = {name: key for name, key in self.keys.items()
                 if name in clean or name in self.unchanged}
        self.cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True))
        return status
