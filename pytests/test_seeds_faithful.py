"""The seeds are faithful to the source text."""

import re

import pytest

from conftest import PROJECT, SOURCES, read_seed

pytestmark = pytest.mark.no_build

REPORT = (SOURCES / "jaarcijfers-mensenhandel-2022.txt").read_text("utf-8")
CONTEXT = (SOURCES / "over-mensenhandel.txt").read_text("utf-8")
TABLE_SEEDS = sorted(
    p for p in (PROJECT / "seeds").glob("*.csv") if not p.name.startswith("nrm__")
)


def squash(text):
    """Drops white space and hyphenation, as the extraction broke lines."""
    return re.sub(r"[\s\-]+", "", text)


def test_there_are_fifteen_report_tables():
    assert len(TABLE_SEEDS) == 15


@pytest.mark.parametrize("seed", TABLE_SEEDS, ids=lambda p: p.stem)
def test_every_number_is_printed_in_the_report(seed):
    tokens = set(re.findall(r"<5|\d+%?", REPORT))
    column = "published_percentage" if "share" in seed.stem else "published_value"
    missing = {
        row[column] for row in read_seed(seed) if row[column] not in tokens
    }
    assert not missing, f"{seed.name}: values not in the report: {missing}"


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
    assert cell("comensha__victims_by_age_group", year=2022, age_group="unknown", form="all") == "162"
    assert cell("comensha__victims_by_age_group", year=2021, age_group="unknown", form="all") == "147"
    assert cell("comensha__victims_by_origin", year=2022, origin_region="unknown", form="all") == "35"
    assert cell("comensha__victims_by_origin", year=2020, origin_region="unknown", form="all") == "15"
