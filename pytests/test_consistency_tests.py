"""Changing one seed value makes the consistency test of its identity fail,
with a message that names the identity, the table and the key.

All changes go into one copy of the built warehouse (no two touch the same
identity): the seed tables there get the changed values, and the staging
models, being views, show them. Every data test that reads only seeds and
staging models then runs as the build compiled it (its SQL from the
manifest), straight in DuckDB: the same SQL as `dbt build` runs, without
starting dbt. Each case looks for its own message among the failures.
"""

import duckdb
import pytest

from conftest import warehouse_copy

CASES = {
    # case: (seed, key of the changed cell, new value, message fragments)
    "om_disposals_2022": (
        "wodc__prosecution_disposals", {"year": 2022, "disposal_type": "dismissal"}, "90",
        ["sepot + dagvaarding + overig = the cases disposed of by the OM (200 in 2022)"
         " -- stg_wodc__prosecution_disposals, key (edition=2022, year=2022): "
         "the 3 parts add up to 201..201, but the total is 200.0..200.0"]),
    "om_disposals_2021": (
        "wodc__prosecution_disposals", {"year": 2021, "disposal_type": "summons"}, "125",
        ["OM disposals of the year before edition 2022 add up to 248..252, "
         "the prose implies 247"]),
    "labour_sectors": (
        "comensha__labour_exploitation_sectors", {"year": 2019, "sector": "construction"}, "33",
        ["labour sub-sectors add up to labour exploitation -- "
         "stg_comensha__labour_exploitation_sectors, key (edition=2022, year=2019): "
         "the 9 parts add up to 262..262, but the total is 261..261"]),
    "age_per_form": (
        "comensha__victims_by_age_group",
        {"year": 2022, "age_group": "40_plus", "form": "labour"}, "80",
        ["the 2022 split by form adds up to the 2022 value of the row -- "
         "stg_comensha__victims_by_age_group, key (edition=2022, year=2022, "
         "age_group=40_plus): the 5 parts add up to 132..132, but the total is 131..131"]),
    "court_decisions": (
        "wodc__court_decisions",
        {"year": 2020, "decision_type": "acquittal", "form": "all"}, "18",
        ["veroordeling + vrijspraak + overig = the court-decided cases by form of "
         "that year -- stg_wodc__court_decisions, key (edition=2022, year=2020): "
         "the 3 parts add up to 72..72, but the total is 67..71"]),
}


def run_compiled_test(con, node):
    """The test's failures: the error message (error severity raises it),
    or the rows it returns (warn severity)."""
    try:
        rows = con.execute(node["compiled_code"]).fetchall()
    except duckdb.Error as error:
        return [str(error)]
    return [str(row) for row in rows]


def reads_only_seeds_and_staging(node):
    return all(parent.startswith(("seed.", "model.mensenhandel.stg_"))
               for parent in node["depends_on"]["nodes"])


@pytest.fixture(scope="module")
def changed_failures(built, build_manifest, tmp_path_factory):
    """The failures of every seed and staging test on a copy of the warehouse
    with the changed values: {test name: [failure, ...]}."""
    copy = warehouse_copy(built, tmp_path_factory.mktemp("changed"))
    con = duckdb.connect(str(copy))
    for seed, key, value, _ in CASES.values():
        where = " and ".join(f"{column} = ?" for column in key)
        changed = con.execute(
            f"update main_raw.{seed} set published_value = ? where {where}",
            [value, *key.values()]).fetchone()[0]
        assert changed == 1, (seed, key)
    tests = [node for node in build_manifest["nodes"].values()
             if node["resource_type"] == "test" and reads_only_seeds_and_staging(node)]
    assert len(tests) > 200, "the seed and staging tests are in the manifest"
    failures = {node["name"]: run_compiled_test(con, node) for node in tests}
    con.close()
    return {name: found for name, found in failures.items() if found}


@pytest.fixture(scope="module")
def unprotected(built, tmp_path_factory):
    """The no-disclosure test of the disclosure-controlled cells, as the
    build compiled it, run on a copy of the warehouse in which those cells
    are the cells before disclosure control."""
    copy = warehouse_copy(built, tmp_path_factory.mktemp("unprotected"))
    compiled, = (built[1] / "compiled").rglob(
        "no_disclosure_int_published_cells_disclosure_controlled_*.sql")
    con = duckdb.connect(str(copy))
    con.execute("""
        create or replace table main_intermediate.int_published_cells_disclosure_controlled as
        select controlled.* replace (
            published.count_low as count_low,
            published.count_high as count_high,
            false as is_widened
        )
        from main_intermediate.int_published_cells_disclosure_controlled as controlled
        inner join main_intermediate.int_published_cells_latest_edition as published
            using (cell_id)
    """)
    try:
        con.execute(compiled.read_text()).fetchall()
    except duckdb.Error as error:
        return str(error)
    finally:
        con.close()
    return "the test passed"


def test_no_disclosure_catches_unprotected_cells(unprotected):
    """Without disclosure control, the report's identities pin <5 cells:
    criminal exploitation of unknown age in 2019 is the total 331 minus the
    other age groups, i.e. 0."""
    assert ("int_published_cells_disclosure_controlled: the suppressed cell "
            "comensha__criminal_exploitation_by_age|2022|2019|unknown|all can "
            "be worked out as 0") in unprotected


def test_no_disclosure_passes_on_the_controlled_cells(built):
    """The same compiled test on the warehouse as built finds nothing."""
    compiled, = (built[1] / "compiled").rglob(
        "no_disclosure_int_published_cells_disclosure_controlled_*.sql")
    con = duckdb.connect(str(built[0]), read_only=True)
    try:
        assert con.execute(compiled.read_text()).fetchall() == []
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_catches_a_changed_value(case, changed_failures):
    messages = [failure for found in changed_failures.values() for failure in found]
    for fragment in CASES[case][3]:
        assert any(fragment in message for message in messages), (
            f"{fragment!r} not among the failures:\n" + "\n".join(messages))


def test_nothing_fails_on_the_warehouse_as_built(built, build_manifest):
    """The control: the same tests, on the warehouse as built, find nothing
    but the findings the report itself breaks (warn severity)."""
    con = duckdb.connect(str(built[0]), read_only=True)
    failures = {node["name"]: run_compiled_test(con, node)
                for node in build_manifest["nodes"].values()
                if node["resource_type"] == "test" and reads_only_seeds_and_staging(node)}
    con.close()
    failing = {name for name, found in failures.items() if found}
    warned = {node["name"] for node in build_manifest["nodes"].values()
              if node["resource_type"] == "test" and node["config"]["severity"] == "warn"}
    assert failing <= warned, failing - warned
