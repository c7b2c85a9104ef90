"""The README's BI questions are each one plain SELECT on one mart, and
their answers match the report."""

import re

import pytest

from conftest import PROJECT

QUERIES = PROJECT / "queries"


def run(warehouse, name):
    sql = (QUERIES / f"{name}.sql").read_text()
    assert sql.lower().count("select") == 1 and " join " not in sql.lower()
    return warehouse.execute(sql).fetchall()


def readme_queries():
    readme = (PROJECT / "README.md").read_text()
    return re.findall(r"```sql\n(.*?)```", readme, flags=re.S)


def test_every_query_of_the_readme_is_a_tested_query():
    files = {path.read_text().strip(): path.name for path in QUERIES.glob("*.sql")}
    shown = readme_queries()
    assert len(shown) >= 4
    for sql in shown:
        assert sql.strip() in files, f"README query not in queries/:\n{sql}"


def test_reported_victims_per_year(warehouse):
    rows = run(warehouse, "reported_victims_per_year")
    assert [r[0] for r in rows] == [2018, 2019, 2020, 2021, 2022]
    assert rows[-1][1:] == (814, 814)
    assert all(low <= high for _, low, high in rows)


def test_share_of_minors(warehouse):
    rows = {r[0]: r for r in run(warehouse, "share_of_minors_per_year")}
    assert rows[2022][1:3] == (70, 70)
    assert rows[2022][3] == pytest.approx(70 / 814)


def test_sepot_and_conviction_rates(warehouse):
    rows = {(r[0], r[2]): r for r in run(warehouse, "sepot_and_conviction_rates")}
    def rounds_to(percent, row):
        return 100 * row[3] - 0.5 <= percent <= 100 * row[4] + 0.5

    assert rounds_to(45, rows[(2022, "dismissal")])
    assert rounds_to(50, rows[(2021, "dismissal")])
    assert rounds_to(66, rows[(2022, "conviction")])
    assert not rounds_to(50, rows[(2022, "dismissal")])


def test_funnel_2022(warehouse):
    rows = run(warehouse, "funnel_2022")
    assert [r[1] for r in rows][:2] == ["estimated_victims", "reported_victims"]
    assert [r[1] for r in rows][-1] == "convictions"
    counts = {r[1]: (r[3], r[4]) for r in rows}
    assert counts["estimated_victims"] == (5000, 5000)
    assert counts["police_suspects"] == (255, 255)
    assert counts["court_decisions"] == (109, 109)
    assert counts["convictions"] == (72, 72)


def test_victims_by_origin(warehouse):
    rows = {(r[0], r[1]): r for r in run(warehouse, "victims_by_origin_per_year")}
    assert rows[(2022, "europe")][2:4] == (291, 291)
    assert rows[(2022, "other")][2:4] == (0, 4)


def test_labour_exploitation_by_sector_2022(warehouse):
    rows = {r[0]: r for r in run(warehouse, "labour_exploitation_by_sector_2022")}
    assert rows["transport_storage"][2:4] == (52, 52)
    assert rows["domestic_work"][2:4] == (19, 19)
    assert rows["wholesale_retail"][2:4] == (0, 4)


def test_report_contradictions(warehouse):
    rows = run(warehouse, "report_contradictions")
    identities = {r[0] for r in rows}
    assert identities == {"nationality_forms_add_up_to_row",
                          "sectors_of_unknown_origin_add_up_to_origin_su",
                          "sexual_sectors_add_up_to_sexual_forms",
                          "prose_share_female_among_suspects",
                          "minors_share_unknown"}
    assert len(rows) == 10 and all(r[7] for r in rows)


def test_exposed_suppressed_cells(warehouse):
    (exposed, pinned, suppressed), = run(warehouse, "exposed_suppressed_cells")
    assert 0 < pinned <= exposed <= suppressed
