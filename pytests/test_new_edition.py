"""Adding an edition: scripts/new_edition.py, a synthetic edition 2023 filled
in with a few revisions, a new category and a table not republished, built
and checked: the marts take each year from its latest edition, `revisions`
lists exactly the revised cells, and the prose statements of 2023 are
checked."""

import csv
import subprocess
import sys

import duckdb
import pytest

from conftest import copy_project, read_seed, run_dbt, write_seed

NEW = 2023
# consistent revisions: cells no identity ties to another (edition 2023)
REVISIONS = {
    ("comensha__victims_by_form", "2019", "organ_removal"): "7",   # printed 6
    ("comensha__victims_by_form", "2021", "unknown"): "34",       # printed 33
    ("comensha__victims_by_form", "2020", "organ_removal"): "3",  # printed <5
}
DROPPED_TABLE = "comensha__criminal_exploitation_by_age"
NEW_CODE = ("labour_exploitation_sector", "cleaning", "schoonmaak", "cleaning",
            "Cleaning (a synthetic category of the test edition).")


def scaffold(project, edition):
    return subprocess.run([sys.executable, "scripts/new_edition.py", str(edition)],
                          cwd=project, capture_output=True, text=True)


def seed_bytes(project):
    return {p.name: p.read_bytes() for p in sorted((project / "seeds").glob("*.csv"))}


def category_columns(row):
    skip = {"edition", "year", "published_value", "published_percentage",
            "is_uncertain", "note", "nationality_rank"}
    return tuple(row[c] for c in row if c not in skip and not c.endswith("_label"))


def fill_table(path):
    """Each empty cell of edition 2023 gets edition 2022's value of the same
    year and categories, or, for the new year 2023, that of 2022."""
    rows = read_seed(path)
    old = {(r["year"], category_columns(r)): r for r in rows if r["edition"] == str(NEW - 1)}
    value = "published_percentage" if "published_percentage" in rows[0] else "published_value"
    kept = []
    for row in rows:
        if row["edition"] == str(NEW):
            year = row["year"] if row["year"] != str(NEW) else str(NEW - 1)
            row[value] = old[(year, category_columns(row))][value]
            key = (path.stem, row["year"], category_columns(row)[0])
            if key in REVISIONS and category_columns(row)[1:] in ((), ("all",)):
                row[value] = REVISIONS[key]
        kept.append(row)
    if path.stem == "comensha__labour_exploitation_sectors":
        template = next(r for r in kept if r["edition"] == str(NEW))
        kept += [dict(template, year=str(year), sector="cleaning",
                      sector_label="schoonmaak", published_value="0", note="")
                 for year in range(NEW - 4, NEW + 1)]
    if path.stem == DROPPED_TABLE:
        kept = [r for r in kept if r["edition"] != str(NEW)]
    write_seed(path, kept)


def fill_key_figures(path):
    """A figure of 2023 for a year that edition 2022 also gives keeps that
    value; the new year 2023 repeats 2022; figures of other years, and the
    year-on-year differences, are not repeated (rows deleted)."""
    rows = read_seed(path)
    old = {(r["figure_id"], r["year"]): r for r in rows if r["edition"] == str(NEW - 1)}
    kept = []
    for row in rows:
        if row["edition"] == str(NEW):
            year = row["year"] if row["year"] != str(NEW) else str(NEW - 1)
            source = old.get((row["figure_id"], year))
            if source is None or "decrease" in row["figure_id"]:
                continue
            row.update(published_value=source["published_value"], value=source["value"],
                       sentence=source["sentence"])
        kept.append(row)
    write_seed(path, kept)


@pytest.fixture(scope="module")
def new_edition(tmp_path_factory):
    """A copy of the project with edition 2023 scaffolded, filled in and
    built: (project, warehouse path, scaffold result, build result)."""
    project = copy_project(tmp_path_factory.mktemp("edition"))
    scaffolded = scaffold(project, NEW)
    assert scaffolded.returncode == 0, scaffolded.stderr
    unfilled = run_dbt(["build", "--select", "comensha__victims_by_form",
                        "nrm__key_figures"], project)
    for path in sorted((project / "seeds").glob("*.csv")):
        if path.stem in ("nrm__key_figures",):
            fill_key_figures(path)
        elif path.stem == "nrm__report_tables":
            rows = [r for r in read_seed(path)
                    if not (r["edition"] == str(NEW) and r["table_id"] == DROPPED_TABLE)]
            write_seed(path, rows)
        elif path.stem.startswith(("comensha__", "emm__", "wodc__")):
            fill_table(path)
    with open(project / "seeds" / "nrm__codes.csv", "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow(NEW_CODE)
    database = project / "target" / "edition.duckdb"
    built = run_dbt(["build"], project, database)
    return project, database, unfilled, built


def test_the_unfilled_template_fails_with_one_message_per_seed(new_edition):
    _, _, unfilled, _ = new_edition
    output = unfilled.stdout
    assert unfilled.returncode != 0
    assert ("comensha__victims_by_form: 30 cell(s) of published_value not filled in yet, "
            "first: edition=2023, year=2019, form=criminal") in output, output[-3000:]
    assert "nrm__key_figures: " in output and "not filled in yet" in output


def test_the_filled_edition_builds_with_every_test_passing(new_edition):
    _, _, _, built = new_edition
    assert built.returncode == 0, built.stdout[-5000:]
    assert "ERROR=0" in built.stdout


def test_each_year_comes_from_its_latest_edition(new_edition):
    _, database, _, _ = new_edition
    con = duckdb.connect(str(database), read_only=True)
    editions = dict(con.execute("""
        select year, string_agg(distinct edition::varchar, ',')
        from main_marts.demographics
        where source_table = 'comensha__victims_by_form' group by year
    """).fetchall())
    dropped = con.execute(f"""
        select distinct edition from main_marts.demographics
        where source_table = '{DROPPED_TABLE}'
    """).fetchall()
    cleaning = con.execute("""
        select count(*) from main_marts.demographics
        where category = 'cleaning' and category_label_nl = 'schoonmaak'
    """).fetchone()[0]
    con.close()
    assert editions == {2018: "2022", 2019: "2023", 2020: "2023", 2021: "2023",
                        2022: "2023", 2023: "2023"}
    assert dropped == [(2022,)], "a table the new edition does not print stays at 2022"
    assert cleaning == 5, "a new category reaches the marts with its label"


def test_revisions_lists_exactly_the_revised_cells(new_edition):
    _, database, _, _ = new_edition
    con = duckdb.connect(str(database), read_only=True)
    revised = con.execute("""
        select table_id, year::varchar, category, previous_published_value,
            published_value, change_low, change_high
        from main_marts.revisions where is_revised order by all
    """).fetchall()
    compared = con.execute(
        "select count(*) from main_marts.revisions where edition = 2023").fetchone()[0]
    in_both = con.execute("""
        select count(*) from (
            select table_id, year, category, cross_category
            from main_intermediate.int_published_cells
            group by all having count(distinct edition) = 2)
    """).fetchone()[0]
    con.close()
    assert revised == [
        ("comensha__victims_by_form", "2019", "organ_removal", "6", "7", 1, 1),
        ("comensha__victims_by_form", "2020", "organ_removal", "<5", "3", -1, 3),
        ("comensha__victims_by_form", "2021", "unknown", "33", "34", 1, 1),
    ]
    assert compared == in_both > 200, "every republished cell is compared"


def test_the_prose_of_the_new_edition_is_checked(new_edition):
    _, database, _, _ = new_edition
    con = duckdb.connect(str(database), read_only=True)
    statements = con.execute("""
        select count(*), count(*) filter (where is_reproduced)
        from main_marts.report_statements where statement_id like '%|2023|%'
            or statement_id like 'total|%|2023'
    """).fetchone()
    con.close()
    assert statements[0] > 20 and statements[0] == statements[1]


@pytest.mark.parametrize("edition, message", [
    (2022, "edition 2022 is already in the seeds; nothing changed"),
    (2025, "the next edition is 2023, not 2025; nothing changed"),
])
def test_the_scaffold_refuses_and_changes_nothing(edition, message, tmp_path):
    project = copy_project(tmp_path)
    before = seed_bytes(project)
    result = scaffold(project, edition)
    assert result.returncode != 0 and message in result.stderr
    assert seed_bytes(project) == before
