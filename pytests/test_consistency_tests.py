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

from conftest import assert_raised_with, compiled_tests, run_compiled_tests, warehouse_copy

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


SEEDS_AND_STAGING = ("seed.", "model.mensenhandel.stg_")


@pytest.fixture(scope="module")
def changed_errors(built, build_manifest, tmp_path_factory):
    """The errors of every seed and staging test on a copy of the warehouse
    with the changed values: {test name: message}."""
    copy = warehouse_copy(built, tmp_path_factory.mktemp("changed"))
    con = duckdb.connect(str(copy))
    for seed, key, value, _ in CASES.values():
        where = " and ".join(f"{column} = ?" for column in key)
        changed = con.execute(
            f"update main_raw.{seed} set published_value = ? where {where}",
            [value, *key.values()]).fetchone()[0]
        assert changed == 1, (seed, key)
    errors, _ = run_compiled_tests(con, compiled_tests(build_manifest, SEEDS_AND_STAGING))
    con.close()
    return errors


def no_disclosure_of_controlled_cells(build_manifest):
    """The compiled no_disclosure test of the disclosure-controlled cells."""
    node, = [node for node in build_manifest["nodes"].values()
             if node["resource_type"] == "test"
             and node["name"].startswith("no_disclosure_int_published_cells_disclosure")]
    return node["compiled_code"]


@pytest.fixture(scope="module")
def unprotected(built, build_manifest, tmp_path_factory):
    """The no-disclosure test of the disclosure-controlled cells, as the
    build compiled it, run on a copy of the warehouse in which those cells
    are the cells before disclosure control."""
    copy = warehouse_copy(built, tmp_path_factory.mktemp("unprotected"))
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
        con.execute(no_disclosure_of_controlled_cells(build_manifest)).fetchall()
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


def test_no_disclosure_passes_on_the_controlled_cells(built, build_manifest):
    """The same compiled test on the warehouse as built finds nothing."""
    con = duckdb.connect(str(built[0]), read_only=True)
    try:
        assert con.execute(no_disclosure_of_controlled_cells(build_manifest)).fetchall() == []
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_catches_a_changed_value(case, changed_errors):
    assert_raised_with(changed_errors, CASES[case][3])


def test_nothing_fails_on_the_warehouse_as_built(built, build_manifest):
    """The control: the same tests (and so the seed tests of test_bad_input)
    on the warehouse as built raise nothing, and only the findings the
    report itself breaks (warn severity) return rows."""
    tests = compiled_tests(build_manifest, SEEDS_AND_STAGING)
    con = duckdb.connect(str(built[0]), read_only=True)
    errors, warned = run_compiled_tests(con, tests)
    con.close()
    assert errors == {}
    warn_severity = {node["name"] for node in tests if node["config"]["severity"] == "warn"}
    assert warned and set(warned) <= warn_severity, set(warned) - warn_severity
