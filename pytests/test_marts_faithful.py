"""Every figure the report prints is in the marts exactly as printed.

For every mart row that names a published cell (cell_id), the seed CSV's
printed value is looked up from the key in the cell_id, independently of
the models: a printed number must be count_low = count_high = the number,
a printed `<5` must be exactly 0..4 (never narrowed, never widened). Each
mart must also show every cell of the tables it covers, and the test
reports how many figures it compared.
"""

import pytest

from conftest import PROJECT, read_seed

LATEST = {}  # filled per seed: {(table, year, category, cross): (edition, value)}

NOT_KEYS = {"edition", "year", "published_value", "published_percentage",
            "is_uncertain", "note", "nationality_rank"}

# Which report tables each mart shows cell by cell.
MART_TABLES = {
    "demographics": lambda table: table.startswith(("comensha__", "emm__"))
    and table != "comensha__minors_by_form_share",
    "prosecution": lambda table: table.startswith("wodc__"),
}


def printed_cells():
    """{(table, year, category, cross_category): (edition, printed value)}
    from the seed CSVs, keeping the latest edition of each cell."""
    cells = {}
    for path in sorted((PROJECT / "seeds").glob("*.csv")):
        table = path.stem
        if table.startswith("nrm__") or "share" in table:
            continue
        for row in read_seed(path):
            keys = [c for c in row if c not in NOT_KEYS and not c.endswith("_label")]
            category = row[keys[0]]
            cross = row[keys[1]] if len(keys) > 1 else "all"
            key = (table, int(row["year"]), category, cross)
            edition = int(row["edition"])
            if key not in cells or cells[key][0] < edition:
                cells[key] = (edition, row["published_value"])
    return cells


def expected_bounds(printed):
    return (0, 4) if printed == "<5" else (int(printed), int(printed))


@pytest.fixture(scope="module")
def cells():
    return printed_cells()


def compare(rows, cells):
    """(mismatches, number compared) of mart rows (cell_id, low, high)
    against the printed cells."""
    wrong, compared = [], 0
    for cell_id, low, high in rows:
        table, edition, year, category, cross = cell_id.split("|")
        key = (table, int(year), category, cross)
        if key not in cells or cells[key][0] != int(edition):
            wrong.append(f"{cell_id}: not the latest edition of a printed cell")
            continue
        compared += 1
        printed = cells[key][1]
        if (low, high) != expected_bounds(printed):
            wrong.append(f"{cell_id}: printed {printed}, the mart shows {low}..{high}")
    return wrong, compared


def mart_rows(warehouse, mart):
    return warehouse.execute(
        f"select cell_id, count_low, count_high from main_marts.{mart} "
        "where cell_id is not null order by cell_id").fetchall()


@pytest.mark.parametrize("mart", ["demographics", "prosecution", "funnel"])
def test_every_mart_cell_is_the_printed_figure(mart, warehouse, cells):
    rows = mart_rows(warehouse, mart)
    wrong, compared = compare(rows, cells)
    assert not wrong, "\n".join(wrong)
    print(f"{mart}: compared {compared} figures with the seeds")
    assert compared == len(rows) > 0


@pytest.mark.parametrize("mart", sorted(MART_TABLES))
def test_every_printed_cell_reaches_its_mart(mart, warehouse, cells):
    shown = {row[0] for row in warehouse.execute(
        f"select cell_id from main_marts.{mart} where cell_id is not null").fetchall()}
    expected = {f"{t}|{e}|{y}|{c}|{x}" for (t, y, c, x), (e, _) in cells.items()
                if MART_TABLES[mart](t)}
    assert len(expected) > 50
    assert expected - shown == set(), f"{mart} misses printed cells"


def test_the_comparison_sees_a_changed_cell(warehouse, cells):
    """The comparison can fail: a narrowed <5, a widened printed figure and
    a cell of an older edition are each reported."""
    rows = mart_rows(warehouse, "demographics")
    suppressed = next(i for i, r in enumerate(rows) if (r[1], r[2]) == (0, 4))
    exact = next(i for i, r in enumerate(rows) if r[1] == r[2] and r[1] >= 10)
    rows[suppressed] = (rows[suppressed][0], 1, 1)
    rows[exact] = (rows[exact][0], rows[exact][1] - 4, rows[exact][2] + 4)
    older = rows[0][0].split("|")
    older[1] = str(int(older[1]) - 1)
    rows.append(("|".join(older), 0, 0))
    wrong, compared = compare(rows, cells)
    assert len(wrong) == 3 and compared == len(rows) - 1
