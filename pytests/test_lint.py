"""scripts/lint.py: the lint's cache of clean files.

A file is linted again when it, a macro, a generic test, a YAML file, the
configuration or the set of node names changes; not when only a seed's values do. A file
with a violation is never cached. The lint itself is a stand-in sqlfluff
here (a script that writes the JSON report sqlfluff would), so these tests
check lint.py's logic in milliseconds, not sqlfluff's rules.
"""

import json
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import PROJECT

sys.path.insert(0, str(PROJECT / "scripts"))
import lint  # noqa: E402

# writes a report with one violation for every file whose text contains
# SELECT, and exits 1 if there is any, as sqlfluff lint does
FAKE_SQLFLUFF = textwrap.dedent("""\
    #!{python}
    import json, sys
    args = sys.argv[1:]
    output = args[args.index("--write-output") + 1]
    files = [arg for arg in args if arg.endswith(".sql")]
    report = []
    for name in files:
        bad = "SELECT" in open(name).read()
        report.append({{"filepath": name, "violations": [{{
            "start_line_no": 1, "start_line_pos": 1, "code": "CP01",
            "description": "Keywords must be lower case.",
            "name": "capitalisation.keywords"}}] if bad else []}})
    with open(output, "w") as out:
        json.dump(report, out)
    with open("linted.txt", "a") as log:
        log.write("\\n".join(files) + "\\n")
    sys.exit(1 if any(entry["violations"] for entry in report) else 0)
""")


# sqlfluff's .sqlfluffignore reading uses a pattern class pathspec deprecates
pytestmark = [pytest.mark.no_build,
              pytest.mark.filterwarnings("ignore:GitIgnorePattern:DeprecationWarning")]

ALL = ["models/marts/a.sql", "models/marts/b.sql", "tests/singular/t.sql"]


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    for directory in ["macros", "models/marts", "models/staging", "seeds", "target",
                      "tests/singular", "tests/generic"]:
        (root / directory).mkdir(parents=True)
    (root / ".sqlfluff").write_text("[sqlfluff]\ndialect = duckdb\n")
    (root / ".sqlfluffignore").write_text("models/staging/\n")
    (root / "dbt_project.yml").write_text("name: p\n")
    (root / "macros" / "m.sql").write_text("{% macro m() %}1{% endmacro %}\n")
    (root / "models" / "_models.yml").write_text("models: []\n")
    (root / "models" / "marts" / "a.sql").write_text("select 1 as a\n")
    (root / "models" / "marts" / "b.sql").write_text("select 2 as b\n")
    (root / "models" / "staging" / "ignored.sql").write_text("SELECT 3\n")
    (root / "tests" / "generic" / "g.sql").write_text(
        "{% test g(model) %}select 1 where false{% endtest %}\n")
    (root / "tests" / "singular" / "t.sql").write_text("select 1 where false\n")
    (root / "seeds" / "s.csv").write_text("x\n1\n")
    return root


def run_lint(project, tmp_path):
    sqlfluff = tmp_path / "sqlfluff"
    sqlfluff.write_text(FAKE_SQLFLUFF.format(python=sys.executable))
    sqlfluff.chmod(0o755)
    work = tmp_path / "lint" / "work"
    work.mkdir(parents=True, exist_ok=True)
    (work / "linted.txt").unlink(missing_ok=True)
    status = lint.Lint(project, str(sqlfluff), work, None).wait()
    linted = work / "linted.txt"
    names = linted.read_text().split() if linted.exists() else []
    # lint.py passes absolute paths
    return status, sorted(str(Path(name).relative_to(project)) for name in names)


def test_linted_files_honour_sqlfluffignore(project):
    assert [str(path) for path in lint.linted_files(project)] == ALL


def test_unchanged_files_are_not_linted_again(project, tmp_path):
    assert run_lint(project, tmp_path) == (0, ALL)
    assert run_lint(project, tmp_path) == (0, [])
    (project / "models" / "marts" / "b.sql").write_text("select 22 as b\n")
    assert run_lint(project, tmp_path) == (0, ["models/marts/b.sql"])


@pytest.mark.parametrize("change", [
    lambda root: (root / "macros" / "m.sql").write_text(
        "{% macro m() %}2{% endmacro %}\n"),
    lambda root: (root / "tests" / "generic" / "g.sql").write_text(
        "{% test g(model) %}select 2 where false{% endtest %}\n"),
    lambda root: (root / "models" / "_models.yml").write_text("models: [{name: a}]\n"),
    lambda root: (root / ".sqlfluff").write_text("[sqlfluff]\ndialect = ansi\n"),
    lambda root: (root / "dbt_project.yml").write_text("name: q\n"),
    lambda root: (root / "seeds" / "t.csv").write_text("y\n1\n"),
], ids=["macro", "generic test", "yaml", "sqlfluff config", "dbt_project",
        "new seed name"])
def test_a_change_of_context_lints_every_file_again(project, tmp_path, change):
    run_lint(project, tmp_path)
    change(project)
    assert run_lint(project, tmp_path) == (0, ALL)


def test_a_seed_value_change_lints_nothing(project, tmp_path):
    run_lint(project, tmp_path)
    (project / "seeds" / "s.csv").write_text("x\n2\n")
    assert run_lint(project, tmp_path) == (0, [])


def test_a_file_with_violations_fails_and_is_not_cached(project, tmp_path, capsys):
    run_lint(project, tmp_path)
    (project / "models" / "marts" / "a.sql").write_text("SELECT 1 as a\n")
    assert run_lint(project, tmp_path) == (1, ["models/marts/a.sql"])
    output = capsys.readouterr().out
    assert "== [models/marts/a.sql] FAIL" in output
    assert "CP01 | Keywords must be lower case." in output
    cache = json.loads((project / "target" / lint.CACHE_NAME).read_text())
    assert sorted(cache) == ["models/marts/b.sql", "tests/singular/t.sql"]
    # still failing: linted again, not taken from the cache
    assert run_lint(project, tmp_path) == (1, ["models/marts/a.sql"])
