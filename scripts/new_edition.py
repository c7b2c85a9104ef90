"""Adds the template of the next edition to the seeds.

    python scripts/new_edition.py 2023

The Nationaal Rapporteur republishes the four years before each edition, so
the next edition's tables have the same categories one year later. For
every report-table seed this appends, for the new edition, a copy of the
latest edition's rows with each year moved one year on (the 2018-2022
rows of edition 2022 become the 2019-2023 rows of edition 2023; the splits
of 2022 become the splits of 2023), the printed labels kept and the printed
value left empty. The key figures get a row per figure of the latest
edition (year moved on, value and sentence empty) and the table catalogue a
row per table (its source lines empty). `dbt build` then fails with one
message per seed, naming how many cells are still empty, until every cell
is transcribed; rows the new edition does not print are deleted, new
categories added (see CONTRIBUTING.md). Refuses an edition that exists or
is not the next one, and then changes nothing.
"""

import argparse
import csv
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
# the printed value of each kind of seed, left empty in the template
EMPTIED = {"published_value", "published_percentage", "value", "sentence", "note",
           "source_lines"}


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def edition_seeds():
    """The seeds with an edition column: the report tables, the key figures
    and the table catalogue."""
    return [p for p in sorted(SEEDS.glob("*.csv")) if "edition" in read(p)[0]]


def template_rows(rows, latest, edition):
    """The latest edition's rows, moved on to `edition`: years + 1, printed
    values empty, not uncertain."""
    new = []
    for row in rows:
        if row["edition"] != str(latest):
            continue
        copy = dict(row, edition=str(edition))
        if copy.get("year"):
            copy["year"] = str(int(copy["year"]) + edition - latest)
        for column in EMPTIED & copy.keys():
            copy[column] = ""
        if "is_uncertain" in copy:
            copy["is_uncertain"] = "false"
        new.append(copy)
    return new


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", type=int, help="the new edition, e.g. 2023")
    edition = parser.parse_args(argv).edition

    seeds = {path: read(path) for path in edition_seeds()}
    editions = {int(row["edition"]) for _, rows in seeds.values() for row in rows}
    latest = max(editions)
    if edition in editions:
        sys.exit(f"new_edition: edition {edition} is already in the seeds; nothing changed")
    if edition != latest + 1:
        sys.exit(f"new_edition: the next edition is {latest + 1}, not {edition}; "
                 "nothing changed")

    for path, (fields, rows) in seeds.items():
        new = template_rows(rows, latest, edition)
        if not path.read_bytes().endswith(b"\n"):
            with open(path, "a", encoding="utf-8") as f:
                f.write("\n")
        with open(path, "a", newline="", encoding="utf-8") as f:
            csv.DictWriter(f, fields, lineterminator="\n").writerows(new)
        print(f"{path.relative_to(PROJECT)}: {len(new)} rows of edition {edition} to fill in")
    print(f"Next: transcribe edition {edition} into the empty cells, add its text to "
          "sources/, then run bash scripts/check.sh (CONTRIBUTING.md, 'Adding an edition').")


if __name__ == "__main__":
    main()
