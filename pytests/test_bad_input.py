"""A hand-edited seed with a mistake makes `dbt build` fail, and the message
names the seed, the row and the problem.

Mistakes in the values (a cell, a code, a key, a year) go into one copy of
the built warehouse, each into a different seed table; the build's compiled
seed tests (their SQL from the manifest) then run there, in DuckDB, as
`dbt build` would run them. Mistakes in the file itself (a column too many
or too few, a byte-order mark, Windows line endings) need dbt's seed loader:
they go into one temporary copy of the project, and one dbt run of those
seeds and their tests checks them all. Each case looks for its own message.
"""

import duckdb
import pytest

from conftest import (
    assert_failed_with,
    assert_raised_with,
    break_seeds,
    compiled_tests,
    copy_project,
    run_compiled_tests,
    run_dbt,
    warehouse_copy,
)

CASES = {
    # case: (seed, the mistake as SQL on the seed's table, fragments the
    # failure message must contain)
    "non_numeric_count": (
        "wodc__prosecution_disposals",
        "update {table} set published_value = '89a' "
        "where year = 2022 and disposal_type = 'dismissal'",
        ["wodc__prosecution_disposals: row (edition=2022, year=2022, "
         "disposal_type=dismissal) has published_value = '89a', which is "
         "neither a whole number nor <5"],
    ),
    "other_spelling_of_suppression": (
        "wodc__court_decisions",
        "update {table} set published_value = '< 5' "
        "where year = 2019 and decision_type = 'other' and form = 'all'",
        ["wodc__court_decisions: row (edition=2022, year=2019, "
         "decision_type=other, form=all) has published_value = '< 5'"],
    ),
    "less_or_equal_spelling": (
        "wodc__court_cases_by_form",
        "update {table} set published_value = '<=4' where year = 2020 and form = 'unknown'",
        ["wodc__court_cases_by_form: row (edition=2022, year=2020, "
         "form=unknown) has published_value = '<=4'"],
    ),
    "negative_count": (
        "comensha__victims_by_form",
        "update {table} set published_value = '-261' where year = 2019 and form = 'labour'",
        ["comensha__victims_by_form: row (edition=2022, year=2019, "
         "form=labour) has published_value = '-261'"],
    ),
    "misspelled_category": (
        "comensha__victims_by_gender",
        "update {table} set gender = 'mael' "
        "where year = 2018 and gender = 'male' and form = 'all'",
        ["comensha__victims_by_gender: row (edition=2022, year=2018, "
         "gender=mael, form=all) has gender 'mael', not a code of gender in nrm__codes"],
    ),
    "duplicated_cell": (
        "comensha__labour_exploitation_sectors",
        "insert into {table} select * from {table} "
        "where year = 2021 and sector = 'wholesale_retail'",
        ["comensha__labour_exploitation_sectors: key (edition=2022, "
         "year=2021, sector=wholesale_retail) occurs 2 times"],
    ),
    "year_outside_edition": (
        "comensha__criminal_exploitation_by_age",
        "update {table} set year = 2023 where year = 2018 and age_group = '40_plus'",
        ["comensha__criminal_exploitation_by_age: row (edition=2022, "
         "year=2023, age_group=40_plus) has year 2023 outside edition 2022 "
         "(2018-2022)"],
    ),
    "missing_cell": (
        "comensha__victims_by_origin",
        "delete from {table} where year = 2020 and origin_region = 'asia' and form = 'all'",
        ["comensha__victims_by_origin: no row for (edition=2022, year=2020, "
         "origin_region=asia): a cell of the table is missing"],
    ),
    "empty_cell": (
        "comensha__victims_by_reporting_organisation",
        "update {table} set published_value = null "
        "where year = 2019 and reporting_organisation = 'police' and form = 'all'",
        ["comensha__victims_by_reporting_organisation: 1 cell(s) of published_value not "
         "filled in yet, first: edition=2022, year=2019, reporting_organisation=police, "
         "form=all"],
    ),
    "identity_of_a_term_unknown": (
        "nrm__identity_terms",
        "update {table} set identity_id = 'no_such_identity' "
        "where identity_id = 'prose_minor_victims' and side = 'parts'",
        ["refers to identity_id 'no_such_identity', which nrm__identities.identity_id "
         "does not have"],
    ),
    "broken_identity_without_finding": (
        "nrm__identities",
        "update {table} set is_kept_by_report = false where identity_id = 'prose_asian_victims'",
        ["nrm__identities: row (identity_id=prose_asian_victims, relation=equals) breaks "
         "the rule: an identity that the report breaks says how (finding)"],
    ),
    "code_without_label": (
        "nrm__codes",
        "update {table} set label_en = null where concept = 'origin_region' and code = 'asia'",
        ["nrm__codes: row (concept=origin_region, code=asia) has no label_en"],
    ),
    "unknown_unit": (
        "nrm__report_tables",
        "update {table} set unit = 'people' where table_id = 'comensha__victims_by_form'",
        ["has unknown unit 'people'; known: persons, cases, percent, mixed"],
    ),
    "figure_not_in_its_sentence": (
        "nrm__key_figures",
        "update {table} set published_value = '815' where figure_id = 'reported_victims'",
        ["nrm__key_figures: row (edition=2022, figure_id=reported_victims, year=2022, "
         "unit=persons, source_document=jaarcijfers-mensenhandel-2022) breaks the rule: "
         "the figure is printed in its own sentence, as transcribed"],
    ),
    "label_changed_in_one_row": (
        "comensha__sexual_exploitation_sectors",
        "update {table} set sector_label = 'raam' where year = 2019 and sector = 'window'",
        ["comensha__sexual_exploitation_sectors: edition 2022, sector window is printed as "
         "Raamprostitutie (gaat boven alles behalve bordelen) / raam: one code, one label"],
    ),
}


@pytest.fixture(scope="module")
def seed_test_errors(built, build_manifest, tmp_path_factory):
    """The errors of the build's seed tests on a copy of the warehouse with
    every value mistake: {test name: message}."""
    assert len({seed for seed, _, _ in CASES.values()}) == len(CASES), "one case per seed"
    copy = warehouse_copy(built, tmp_path_factory.mktemp("bad_values"))
    con = duckdb.connect(str(copy))
    for seed, mistake, _ in CASES.values():
        changed = con.execute(mistake.format(table=f"main_raw.{seed}")).fetchone()[0]
        assert changed == 1, mistake
    errors, _ = run_compiled_tests(con, compiled_tests(build_manifest, ("seed.",)))
    con.close()
    return errors


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_seed_fails_with_a_message(case, seed_test_errors):
    assert_raised_with(seed_test_errors, CASES[case][2])


def drop_column(rows, column):
    for row in rows:
        del row[column]
    return rows


def add_column(rows, column, value):
    for row in rows:
        row[column] = value
    return rows


FILE_CASES = {
    # case: (seed, mutation of the CSV rows, fragments)
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
    """The file mistakes in one copy of the project, one seed each, and one
    dbt run of those seeds and their tests."""
    project = copy_project(tmp_path_factory.mktemp("broken"))
    seeds = break_seeds(project, [(seed, mutate) for seed, mutate, _ in FILE_CASES.values()])
    for seed in BOM_AND_CRLF_SEEDS:
        path = project / "seeds" / f"{seed}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
        seeds.append(seed)
    assert len(set(seeds)) == len(seeds), "one case per seed"
    # nrm__codes too: the code-list tests of the seeds read it
    return run_dbt(["build", "--select", *seeds, "nrm__codes"], project)


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_structural_problem_fails_with_a_message(case, broken_build):
    assert_failed_with(broken_build, FILE_CASES[case][2])


def test_bom_and_windows_line_endings_load(broken_build):
    output = broken_build.stdout
    for seed in BOM_AND_CRLF_SEEDS:
        assert f"OK loaded seed file main_raw.{seed}" in output
        for line in output.splitlines():
            if "ERROR" in line:
                assert seed not in line, line
