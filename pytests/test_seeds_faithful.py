"""The seeds are faithful to the source text.

Each report table of the catalogue nrm__report_tables names the lines of the
source text where its numbers are printed (`source_lines`, as `grep -n`
numbers them). Every value of a table seed must be printed on those lines,
or on the lines its rows' notes cite ("line 197", "lines 519-529"): as a
multiset, so a value the seed holds k times must be printed k times. A check
against the whole report could hardly fail, as most small numbers are
printed somewhere in it.
"""

import re
from collections import Counter

import pytest

from conftest import PROJECT, SOURCES, read_seed

pytestmark = pytest.mark.no_build

REPORT = (SOURCES / "jaarcijfers-mensenhandel-2022.txt").read_text("utf-8")
CONTEXT = (SOURCES / "over-mensenhandel.txt").read_text("utf-8")
REPORT_LINES = REPORT.split("\n")  # REPORT_LINES[n - 1] is line n of grep -n
SEEDS = PROJECT / "seeds"
TABLE_SEEDS = sorted(
    p for p in SEEDS.glob("*.csv") if not p.name.startswith("nrm__")
)
CATALOGUE = {
    (row["edition"], row["table_id"]): row
    for row in read_seed(SEEDS / "nrm__report_tables.csv")
}
# The report of each edition whose lines source_lines numbers.
EDITION_LINES = {"2022": REPORT_LINES}

# A printed cell: "<5" (also run together, "<5<5"), a whole number, or a
# percentage ("6%3%" is two). Not a cell: the parts of age labels ("18-22",
# "40+", "(0-17)"), of decimals ("25,8", "12.4") or of "2023/2026".
NUMBER_TOKEN = re.compile(r"<5|(?<![\w.,/+\-])(?:\d+%|\d+(?![\w/+%\-]|[.,]\d))")
# The years 2018-2022 head the columns of the tables; no cell holds them.
COLUMN_YEARS = {str(year) for year in range(2018, 2023)}
# "line 197", "lines 519-529", "lines 281 and 283", "lines 489/495".
CITED_LINES = re.compile(r"\blines?\s+(\d+(?:\s*(?:[-–/,]|and)\s*\d+)*)")
NOT_KEY_COLUMNS = {"edition", "published_value", "published_percentage", "is_uncertain", "note"}


def squash(text):
    """Drops white space and hyphenation, as the extraction broke lines."""
    return re.sub(r"[\s\-]+", "", text)


def parse_ranges(spec):
    """The line numbers of "95-112 196-198" (a single "N" is N-N)."""
    numbers = set()
    for part in spec.split():
        first, _, last = part.partition("-")
        first, last = int(first), int(last or first)
        assert 1 <= first <= last, spec
        numbers.update(range(first, last + 1))
    return numbers


def cited_lines(note):
    """The line numbers a note cites: "line N", "lines N-M", "lines N and M"."""
    numbers = set()
    for citation in CITED_LINES.findall(note):
        for part in re.split(r"\s*(?:/|,|and)\s*", citation):
            numbers |= parse_ranges(re.sub(r"\s*[-–]\s*", "-", part))
    return numbers


def number_tokens(lines, numbers):
    """The printed cells of the given lines (1-based), as a multiset."""
    return Counter(
        token
        for n in sorted(numbers)
        for token in NUMBER_TOKEN.findall(lines[n - 1])
        if token not in COLUMN_YEARS
    )


def value_column(rows):
    return "published_percentage" if "published_percentage" in rows[0] else "published_value"


def row_key(row):
    return ", ".join(
        f"{k}={v}" for k, v in row.items()
        if k not in NOT_KEY_COLUMNS and not k.endswith("_label")
    )


def table_lines(table_id, edition):
    row = CATALOGUE[(edition, table_id)]
    assert row["source_lines"], f"{table_id} ({edition}) has no source_lines"
    return parse_ranges(row["source_lines"])


def printed_cells(table_id, rows, edition):
    """The cells printed on the table's lines and on the lines its notes cite."""
    lines = EDITION_LINES[edition]
    numbers = table_lines(table_id, edition)
    for r in rows:
        if r["edition"] == edition:
            numbers |= cited_lines(r["note"])
    assert max(numbers) <= len(lines), f"{table_id}: line beyond the source"
    return number_tokens(lines, numbers)


def missing_values(table_id, rows):
    """The seed values not printed (often enough) on the table's lines.

    Returns (number of values compared, {value: message}); a value the seed
    holds k times must be found k times among the number tokens of the
    table's source_lines and of the lines its rows' notes cite.
    """
    column = value_column(rows)
    compared, missing = 0, {}
    for edition in sorted({r["edition"] for r in rows}):
        edition_rows = [r for r in rows if r["edition"] == edition]
        printed = printed_cells(table_id, rows, edition)
        wanted = Counter(r[column] for r in edition_rows)
        compared += sum(wanted.values())
        for value, count in wanted.items():
            if printed[value] < count:
                keys = [row_key(r) for r in edition_rows if r[column] == value]
                missing[value] = (
                    f"{value!r} in {count} rows, printed {printed[value]} times "
                    f"on the table's lines (edition {edition}): " + "; ".join(keys)
                )
    return compared, missing


def test_there_are_fifteen_report_tables():
    assert len(TABLE_SEEDS) == 15


def test_source_lines_name_the_table_seeds_only():
    with_lines = {
        table_id for (_, table_id), row in CATALOGUE.items() if row["source_lines"]
    }
    assert with_lines == {p.stem for p in TABLE_SEEDS}
    for (_, table_id), row in CATALOGUE.items():
        if table_id == "nrm__key_figures" or table_id.startswith("unavailable__"):
            assert row["source_lines"] == "", table_id


def test_source_lines_are_ranges_of_the_report():
    owner = {}
    for (edition, table_id), row in CATALOGUE.items():
        if not row["source_lines"]:
            continue
        assert re.fullmatch(r"\d+-\d+( \d+-\d+)*", row["source_lines"]), table_id
        numbers = parse_ranges(row["source_lines"])
        assert max(numbers) <= len(EDITION_LINES[edition]), table_id
        for n in numbers:  # no line is printed in two tables
            assert owner.setdefault((edition, n), table_id) == table_id, (n, table_id)


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_every_value_is_printed_in_its_table(seed):
    rows = read_seed(seed)
    column = value_column(rows)
    assert all(r[column] for r in rows), f"{seed.name}: an empty value"
    compared, missing = missing_values(seed.stem, rows)
    print(f"{seed.stem}: {compared} values compared with their table's lines")
    assert compared == len(rows) > 0
    assert not missing, f"{seed.name}: values not printed in the table:\n" + "\n".join(
        missing.values()
    )


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_every_cell_of_the_table_lines_is_in_the_seed(seed):
    """The converse: the table's lines print no cell that the seed lacks.

    Holds only if source_lines is tight (no prose, no chart axis) and no
    printed cell was dropped; the column years are not cells.
    """
    rows = read_seed(seed)
    column = value_column(rows)
    for edition in {r["edition"] for r in rows}:
        printed = number_tokens(EDITION_LINES[edition], table_lines(seed.stem, edition))
        held = Counter(r[column] for r in rows if r["edition"] == edition)
        assert printed == held, (
            f"{seed.stem}: printed but not in the seed: {dict(printed - held)}; "
            f"in the seed but not printed: {dict(held - printed)}"
        )


def test_number_tokens():
    line = "Overige melders 56 101 <5<5 18-22 (0-17) 40+ 6%3% (62) 162* 25,8 12.4 2023/2026 2022"
    assert NUMBER_TOKEN.findall(line) == [
        "56", "101", "<5", "<5", "6%", "3%", "62", "162", "2022",
    ]
    assert cited_lines("see line 197 and lines 519-529, lines 281 and 283, lines 489/495") == (
        {197, 281, 283, 489, 495} | set(range(519, 530))
    )


def changed(rows, index, value):
    column = value_column(rows)
    return [dict(r, **{column: value}) if i == index else r for i, r in enumerate(rows)]


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_a_changed_value_fails(seed):
    """A value changed (in memory) to a number the table does not print fails."""
    rows = read_seed(seed)
    column = value_column(rows)
    printed = printed_cells(seed.stem, rows, rows[0]["edition"])
    suffix = "%" if column == "published_percentage" else ""
    value = next(f"{n}{suffix}" for n in range(1, 1000) if f"{n}{suffix}" not in printed)
    index = len(rows) // 2
    _, missing = missing_values(seed.stem, changed(rows, index, value))
    assert list(missing) == [value]
    assert row_key(rows[index]) in missing[value]


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_a_value_printed_elsewhere_in_the_report_fails(seed):
    """Control: a number of another part of the report is not in the table.

    The old check (any number token of the whole report) accepts it.
    """
    rows = read_seed(seed)
    column = value_column(rows)
    report_tokens = Counter(NUMBER_TOKEN.findall(REPORT))
    held = {r[column] for r in rows}
    value = next(
        t for t, _ in report_tokens.most_common()
        if t not in held and t not in COLUMN_YEARS
        and t.endswith("%") == (column == "published_percentage")
    )
    assert value in report_tokens  # the whole-report check passes ...
    _, missing = missing_values(seed.stem, changed(rows, 0, value))
    assert list(missing) == [value]  # ... the table check does not


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_a_value_held_once_too_often_fails(seed):
    """The check counts: a value printed k times may not be held k + 1 times."""
    rows = read_seed(seed)
    column = value_column(rows)
    printed = printed_cells(seed.stem, rows, rows[0]["edition"])
    held = Counter(r[column] for r in rows)
    value = next(v for v in held if printed[v] == held[v])
    index = next(i for i, r in enumerate(rows) if r[column] != value)
    _, missing = missing_values(seed.stem, changed(rows, index, value))
    assert list(missing) == [value]


def test_a_note_citing_a_line_admits_its_numbers():
    """A reconstruction from another place passes only if its note cites it."""
    rows = read_seed(SEEDS / "wodc__prosecution_disposals.csv")
    rows = changed(rows, 0, "814")  # printed on line 53 only
    assert "814" in missing_values("wodc__prosecution_disposals", rows)[1]
    rows[0] = dict(rows[0], note="Reconstructed from the prose (line 53).")
    assert missing_values("wodc__prosecution_disposals", rows) == (15, {})


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_uncertain_cells_say_why(seed):
    rows = read_seed(seed)
    unexplained = [r for r in rows if r["is_uncertain"] == "true" and not r["note"]]
    assert not unexplained


def test_key_figures_quote_the_source():
    source = squash(REPORT) + squash(CONTEXT)
    for row in read_seed(PROJECT / "seeds" / "nrm__key_figures.csv"):
        assert squash(row["sentence"]) in source, row["figure_id"]
        assert squash(row["published_value"]) in squash(row["sentence"]), row
        document = REPORT if row["source_document"].startswith("jaarcijfers") else CONTEXT
        assert squash(row["sentence"]) in squash(document), row["figure_id"]


def test_key_figures_hold_the_headline_figures():
    figures = {
        (r["figure_id"], r["year"]): r["published_value"]
        for r in read_seed(PROJECT / "seeds" / "nrm__key_figures.csv")
    }
    assert figures[("reported_victims", "2022")] == "814"
    assert figures[("estimated_victims_per_year", "")] == "5000"
    assert figures[("police_suspects", "2022")] == "255"
    assert figures[("police_investigations", "2022")] == "165"
    assert figures[("registered_prosecution_cases", "2022")] == "208"
    assert figures[("registered_prosecution_cases_target", "")] == "220"
    assert figures[("prosecution_disposals", "2022")] == "200"
    assert figures[("court_decided_cases", "2022")] == "109"
    assert figures[("ukrainian_victims", "2022")] == "51"


def test_reconstructed_cells_of_garbled_rows():
    """Spot checks of the reconstructions that the identities pin."""
    def cell(seed, **key):
        rows = read_seed(PROJECT / "seeds" / f"{seed}.csv")
        hits = [r for r in rows if all(r[k] == str(v) for k, v in key.items())]
        assert len(hits) == 1, key
        return hits[0]["published_value"]

    assert cell("comensha__labour_exploitation_sectors", year=2021, sector="domestic_work") == "<5"
    assert cell("comensha__labour_exploitation_sectors", year=2018, sector="domestic_work") == "10"
    assert cell("comensha__criminal_exploitation_by_age", year=2022, age_group="unknown") == "5"
    assert cell("comensha__criminal_exploitation_by_age", year=2018, age_group="minor") == "<5"
    assert cell(
        "comensha__victims_by_age_group", year=2022, age_group="unknown", form="all") == "162"
    assert cell(
        "comensha__victims_by_age_group", year=2021, age_group="unknown", form="all") == "147"
    assert cell(
        "comensha__victims_by_origin", year=2022, origin_region="unknown", form="all") == "35"
    assert cell(
        "comensha__victims_by_origin", year=2020, origin_region="unknown", form="all") == "15"
