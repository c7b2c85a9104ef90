"""Changing one seed value makes the consistency test of its identity fail,
with a message that names the identity, the table and the key.

All changes go into one temporary copy of the project (no two touch the same
identity) and one dbt run; each case then looks for its own message.
"""

import pytest
import yaml

from conftest import (assert_failed_with, copy_project, read_seed, run_dbt,
                      write_seed)

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


@pytest.fixture(scope="module")
def changed_build(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("changed"))
    for seed, key, value, _ in CASES.values():
        path = project / "seeds" / f"{seed}.csv"
        rows = read_seed(path)
        hits = [r for r in rows if all(r[k] == str(v) for k, v in key.items())]
        assert len(hits) == 1, key
        hits[0]["published_value"] = value
        write_seed(path, rows)
    return run_dbt(["build"], project, project / "w.duckdb")


@pytest.fixture(scope="module")
def unprotected_build(tmp_path_factory):
    """The no-disclosure test, pointed at the cells before disclosure control."""
    project = copy_project(tmp_path_factory.mktemp("unprotected"))
    yml = project / "models" / "intermediate" / "_intermediate__models.yml"
    properties = yaml.safe_load(yml.read_text())
    model, = [m for m in properties["models"]
              if m["name"] == "int_published_cells_latest_edition"]
    model["data_tests"].append("no_disclosure")
    yml.write_text(yaml.safe_dump(properties, sort_keys=False))
    database = project / "w.duckdb"
    built = run_dbt(
        ["build", "--select", "+int_published_cells_disclosure_controlled",
         "--resource-type", "seed", "--resource-type", "model"],
        project, database)
    assert built.returncode == 0, built.stdout[-3000:]
    return run_dbt(
        ["test", "--select",
         "int_published_cells_latest_edition,test_name:no_disclosure"],
        project, database)


def test_no_disclosure_catches_unprotected_cells(unprotected_build):
    """Without disclosure control, the report's identities pin <5 cells:
    criminal exploitation of unknown age in 2019 is the total 331 minus the
    other age groups, i.e. 0."""
    assert_failed_with(unprotected_build, [
        "int_published_cells_latest_edition: the suppressed cell "
        "comensha__criminal_exploitation_by_age|2022|2019|unknown|all can "
        "be worked out as 0"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_catches_a_changed_value(case, changed_build):
    assert_failed_with(changed_build, CASES[case][3])
