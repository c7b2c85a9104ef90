"""scripts/check.py: its parse turns dbt's deprecations into errors (on a
tiny project of its own, in this process: no parse of the real project)."""

import sys

import pytest

from conftest import PROJECT

pytestmark = pytest.mark.no_build

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


def test_parse_fails_on_a_deprecation(tmp_path):
    """Test arguments not nested under `arguments:` (deprecated in dbt 1.11)
    fail the check's parse, naming the deprecation."""
    # imported here, not at collection: dbt's import takes seconds, on
    # every pytest worker
    sys.path.insert(0, str(PROJECT / "scripts"))
    import check
    from dbt.cli.main import dbtRunner
    project = tiny_project(tmp_path / "tiny", "          columns: [id]")
    result = check.dbt(dbtRunner(), "parse", "--no-partial-parse",
                       *check.DEPRECATIONS_ARE_ERRORS, "--project-dir", str(project),
                       "--profiles-dir", str(project))
    assert not result.success
    assert "MissingArgumentsPropertyInGenericTestDeprecation" in str(result.exception)
