"""Changing one seed value makes the consistency test of its identity fail,
with a message that names the identity, the instance and both sides.

All changes go into one copy of the built warehouse (no two touch the same
identity instance): the seed tables there get the changed values, the
staging views show them, and the SQL table models (the published cells, the
identity members, the reconciliation mart, ...) are rebuilt from the SQL the
build compiled. The identity tests then run as the build compiled them,
straight in DuckDB: the same SQL as `dbt build` runs, without starting dbt.
Each case looks for its own message among the failures.
"""

import duckdb
import pytest

from conftest import assert_raised_with, compiled_tests, run_compiled_tests, warehouse_copy

CASES = {
    # case: (seed, key of the changed cell, new value, message fragments)
    "om_disposals_2022": (
        "wodc__prosecution_disposals", {"year": 2022, "disposal_type": "dismissal"}, "90",
        ["disposals_add_up_to_prose_total (equals), edition 2022, year 2022, all: "
         "the 3 parts add up to 201..201, the total is 200..200"]),
    "om_disposals_2021": (
        "wodc__prosecution_disposals", {"year": 2021, "disposal_type": "summons"}, "125",
        ["disposals_of_previous_year_match_prose (equals), edition 2022, year 2022, "
         "all: the 3 parts add up to 248..252, the total is 247..247"]),
    "labour_sectors": (
        "comensha__labour_exploitation_sectors", {"year": 2019, "sector": "construction"}, "33",
        ["labour_sectors_add_up_to_labour (equals), edition 2022, year 2019, all: "
         "the 9 parts add up to 262..262, the total is 261..261"]),
    "age_per_form": (
        "comensha__victims_by_age_group",
        {"year": 2022, "age_group": "40_plus", "form": "labour"}, "80",
        ["age_group_forms_add_up_to_row (equals), edition 2022, year 2022, 40_plus: "
         "the 5 parts add up to 132..132, the total is 131..131"]),
    "court_decisions": (
        "wodc__court_decisions",
        {"year": 2020, "decision_type": "acquittal", "form": "all"}, "18",
        ["court_decisions_add_up_to_cases_by_form (equals), edition 2022, year 2020, "
         "all: the 3 parts add up to 72..72, the total is 67..71"]),
    "prose_figure": (
        "comensha__victims_by_gender", {"year": 2022, "gender": "male", "form": "all"}, "310",
        ["prose_male_victims (equals), edition 2022, year 2022, all: "
         "the 1 parts add up to 309..309, the total is 310..310"]),
    "at_most": (
        "comensha__victims_by_gender", {"year": 2019, "gender": "female", "form": "all"}, "900",
        ["genders_at_most_reported_victims (at_most), edition 2022, year 2019, all: "
         "the 2 parts add up to 1543..1543, the total is 1372..1372"]),
}

PARENTS = ("seed.", "model.mensenhandel.stg_", "model.mensenhandel.int_",
           "model.mensenhandel.reconciliation")


def sql_tables_in_build_order(build_manifest):
    """The SQL models materialised as tables, each after the models it reads."""
    nodes = build_manifest["nodes"]
    order, seen = [], set()

    def visit(unique_id):
        if unique_id in seen or unique_id not in nodes:
            return
        seen.add(unique_id)
        for parent in nodes[unique_id].get("depends_on", {}).get("nodes", []):
            visit(parent)
        node = nodes[unique_id]
        if (node["resource_type"] == "model" and node["language"] == "sql"
                and node["config"]["materialized"] == "table"):
            order.append(node)

    for unique_id in sorted(nodes):
        visit(unique_id)
    return order


def rebuilt_copy(built, build_manifest, directory, changes):
    """A copy of the warehouse with the changed seed values and every SQL
    table model rebuilt from its compiled SQL."""
    copy = warehouse_copy(built, directory)
    con = duckdb.connect(str(copy))
    for seed, key, value in changes:
        where = " and ".join(f"{column} = ?" for column in key)
        changed = con.execute(
            f"update main_raw.{seed} set published_value = ? where {where}",
            [value, *key.values()]).fetchone()[0]
        assert changed == 1, (seed, key)
    for node in sql_tables_in_build_order(build_manifest):
        con.execute(f"create or replace table {node['relation_name']} as "
                    f"({node['compiled_code']})")
    return con


@pytest.fixture(scope="module")
def changed_errors(built, build_manifest, tmp_path_factory):
    """The errors of every test up to the reconciliation mart on a copy of
    the warehouse with the changed values: {test name: message}."""
    con = rebuilt_copy(built, build_manifest, tmp_path_factory.mktemp("changed"),
                       [case[:3] for case in CASES.values()])
    errors, _ = run_compiled_tests(con, compiled_tests(build_manifest, PARENTS))
    con.close()
    return errors


@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_catches_a_changed_value(case, changed_errors):
    assert_raised_with(changed_errors, CASES[case][3])


def test_the_rebuilt_copy_reproduces_the_build(built, build_manifest, tmp_path):
    """The control: rebuilding the tables from the compiled SQL without any
    change gives the reconciliation mart the build gave, and the same
    tests raise nothing; only the findings the report itself breaks (warn
    severity) return rows."""
    con = rebuilt_copy(built, build_manifest, tmp_path, [])
    rebuilt = con.execute("select * from main_marts.reconciliation order by all").fetchall()
    tests = compiled_tests(build_manifest, PARENTS)
    errors, warned = run_compiled_tests(con, tests)
    con.close()
    original = duckdb.connect(str(built[0]), read_only=True)
    as_built = original.execute("select * from main_marts.reconciliation order by all").fetchall()
    original.close()
    assert len(rebuilt) == len(as_built) > 100
    assert rebuilt == as_built
    assert errors == {}
    warn_severity = {node["name"] for node in tests if node["config"]["severity"] == "warn"}
    assert set(warned) == {"identities_broken_by_report"} <= warn_severity
    assert len(warned["identities_broken_by_report"]) == 10
