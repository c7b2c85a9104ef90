"""scripts/check.sh: its dbt parse turns dbt's deprecations into errors (the
script's own line with --warn-error-options, run on a tiny project: no
parse of the real project)."""

import os
import subprocess
from pathlib import Path

from conftest import DBT, PROJECT, dbt_env

PROFILES = """
tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{path}"
"""

SCHEMA = """
models:
  - name: one
    data_tests:
      - unique_key:
{arguments}
"""


def tiny_project(directory, arguments):
    (directory / "models").mkdir(parents=True)
    (directory / "tests" / "generic").mkdir(parents=True)
    (directory / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nprofile: tiny\n")
    (directory / "profiles.yml").write_text(
        PROFILES.format(path=directory / "tiny.duckdb"))
    (directory / "models" / "one.sql").write_text("select 1 as id\n")
    (directory / "models" / "_models.yml").write_text(SCHEMA.format(arguments=arguments))
    (directory / "tests" / "generic" / "unique_key.sql").write_text(
        "{% test unique_key(model, columns) %}select 1 where false{% endtest %}\n")
    return directory


def parse(project):
    """Runs the check's own dbt line with --warn-error-options in project."""
    script = (PROJECT / "scripts" / "check.sh").read_text().splitlines()
    [line] = [line for line in script if line.startswith("dbt ") and "--warn-error" in line]
    env = dbt_env(project)
    env["PATH"] = str(Path(DBT).parent) + os.pathsep + env["PATH"]
    return subprocess.run(["bash", "-c", line], cwd=project, env=env,
                          capture_output=True, text=True)


def test_parse_fails_on_a_deprecation(tmp_path):
    """Test arguments not nested under `arguments:` (deprecated in dbt 1.11)
    fail the check's parse, naming the deprecation."""
    result = parse(tiny_project(tmp_path / "tiny", "          columns: [id]"))
    assert result.returncode != 0
    assert "MissingArgumentsPropertyInGenericTestDeprecation" in result.stdout + result.stderr

