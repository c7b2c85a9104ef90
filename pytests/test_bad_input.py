"""A hand-edited seed with a mistake makes `dbt build` fail, and the message
names the seed, the row and the problem.

Every case breaks a different seed of one temporary copy of the project, so
one dbt run checks them all; each case then looks for its own message.
"""

import pytest

from conftest import assert_failed_with, break_seeds, copy_project, run_dbt


def set_cell(rows, match, **changes):
    hits = [r for r in rows if all(r[k] == str(v) for k, v in match.items())]
    assert len(hits) == 1, match
    hits[0].update(changes)
    return rows


CASES = {
    # case: (seed, mutation, fragments the failure message must contain)
    "non_numeric_count": (
        "wodc__prosecution_disposals",
        lambda rows: set_cell(rows, {"year": 2022, "disposal_type": "dismissal"},
                              published_value="89a"),
        ["wodc__prosecution_disposals: row (edition=2022, year=2022, "
         "disposal_type=dismissal) has published_value = '89a', which is "
         "neither a whole number nor <5"],
    ),
    "other_spelling_of_suppression": (
        "wodc__court_decisions",
        lambda rows: set_cell(rows, {"year": 2019, "decision_type": "other",
                                     "form": "all"}, published_value="< 5"),
        ["wodc__court_decisions: row (edition=2022, year=2019, "
         "decision_type=other, form=all) has published_value = '< 5'"],
    ),
    "less_or_equal_spelling": (
        "wodc__court_cases_by_form",
        lambda rows: set_cell(rows, {"year": 2020, "form": "unknown"},
                              published_value="<=4"),
        ["wodc__court_cases_by_form: row (edition=2022, year=2020, "
         "form=unknown) has published_value = '<=4'"],
    ),
    "negative_count": (
        "comensha__victims_by_form",
        lambda rows: set_cell(rows, {"year": 2019, "form": "labour"},
                              published_value="-261"),
        ["comensha__victims_by_form: row (edition=2022, year=2019, "
         "form=labour) has published_value = '-261'"],
    ),
    "misspelled_category": (
        "comensha__victims_by_gender",
        lambda rows: set_cell(rows, {"year": 2018, "gender": "male",
                                     "form": "all"}, gender="mael"),
        ["comensha__victims_by_gender: row (edition=2022, year=2018, "
         "gender=mael, form=all) has unknown gender 'mael'"],
    ),
    "duplicated_cell": (
        "comensha__labour_exploitation_sectors",
        lambda rows: rows + [dict(rows[3])],
        ["comensha__labour_exploitation_sectors: key (edition=2022, "
         "year=2021, sector=wholesale_retail) occurs 2 times"],
    ),
    "year_outside_edition": (
        "comensha__criminal_exploitation_by_age",
        lambda rows: set_cell(rows, {"year": 2018, "age_group": "40_plus"},
                              year="2023"),
        ["comensha__criminal_exploitation_by_age: row (edition=2022, "
         "year=2023, age_group=40_plus) has year 2023 outside edition 2022 "
         "(2018-2022)"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_seed_fails_with_a_message(case, broken_build):
    assert_failed_with(broken_build, CASES[case][2])


def drop_column(rows, column):
    for row in rows:
        del row[column]
    return rows


def add_column(rows, column, value):
    for row in rows:
        row[column] = value
    return rows


EXTRA_CASES = {
    # case: (seed, mutation of the rows, fragments)
    "missing_cell": (
        "comensha__victims_by_origin",
        lambda rows: [r for r in rows if not (
            r["year"] == "2020" and r["origin_region"] == "asia" and r["form"] == "all")],
        ["comensha__victims_by_origin: no row for (edition=2022, year=2020, "
         "origin_region=asia): a cell of the table is missing"],
    ),
    "extra_column": (
        "comensha__sexual_exploitation_sectors",
        lambda rows: add_column(rows, "extra", "x"),
        ["comensha__sexual_exploitation_sectors: the CSV's columns differ from "
         "the YAML's: extra column extra"],
    ),
    "missing_column": (
        "emm__police_suspects_by_gender_age",
        lambda rows: drop_column(rows, "note"),
        ["emm__police_suspects_by_gender_age: the CSV's columns differ from "
         "the YAML's: missing column note"],
    ),
}


# a byte-order mark and Windows line endings simply work
BOM_AND_CRLF_SEEDS = ("comensha__victims_by_reporting_organisation",
                      "comensha__top_nationalities_by_form")


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    """All cases in one copy of the project, one seed each, and one dbt run
    of the seeds and their tests."""
    project = copy_project(tmp_path_factory.mktemp("broken"))
    cases = list(CASES.values()) + list(EXTRA_CASES.values())
    seeds = break_seeds(project, [(seed, mutate) for seed, mutate, _ in cases])
    for seed in BOM_AND_CRLF_SEEDS:
        path = project / "seeds" / f"{seed}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
        seeds.append(seed)
    assert len(set(seeds)) == len(seeds), "one case per seed"
    return run_dbt(["build", "--select", *seeds], project)


@pytest.mark.parametrize("case", sorted(EXTRA_CASES))
def test_structural_problem_fails_with_a_message(case, broken_build):
    assert_failed_with(broken_build, EXTRA_CASES[case][2])


def test_bom_and_windows_line_endings_load(broken_build):
    output = broken_build.stdout
    for seed in BOM_AND_CRLF_SEEDS:
        assert f"OK loaded seed file main_raw.{seed}" in output
        for line in output.splitlines():
            if "ERROR" in line:
                assert seed not in line, line
