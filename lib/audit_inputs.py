"""The disclosure audit's two tables, from the warehouse's published cells
and identity instances: for the dbt Python models disclosure_audit and
disclosure_suggested_suppression (DuckDB) and for scripts/postgres.py, which
computes the same tables on PostgreSQL (dbt-postgres runs no Python models).

An attacker uses every instance of an identity that the printed figures
allow (reconciliation.holds): the instances the report breaks are left out,
as no reader can rely on them. The rows are sorted by their key here, in
Python, so that every engine (and every collation of a server) gives the
audit the same input in the same order, hence the same tables.
"""

from collections import defaultdict

import pandas as pd

from disclosure_audit import Cell, Constraint, audit, exposed_by_structure, suggest_suppression

# The relations the audit reads: (schema suffix, relation, key columns).
INPUTS = {
    "cells": ("intermediate", "int_published_cells", ("cell_id",)),
    "members": ("intermediate", "int_identity_members", ("instance_id", "side", "cell_id")),
    "reconciliation": ("marts", "reconciliation", ("instance_id",)),
}

AUDIT_COLUMNS = {
    "cell_id": "varchar", "table_id": "varchar", "edition": "integer",
    "year": "integer", "category": "varchar", "cross_category": "varchar",
    "is_exposed": "boolean", "is_pinned": "boolean", "derivable_width": "integer",
    "exposing_identity_ids": "varchar", "is_exposed_by_layout": "boolean",
}
SUGGESTION_COLUMNS = {
    "cell_id": "varchar", "table_id": "varchar", "edition": "integer",
    "year": "integer", "category": "varchar", "cross_category": "varchar",
    "published_value": "varchar", "reason": "varchar",
}


def sorted_rows(columns, rows, key):
    """rows (tuples in the order of columns) as dictionaries, sorted by key."""
    rows = [dict(zip(columns, row, strict=True)) for row in rows]
    return sorted(rows, key=lambda row: tuple(row[column] for column in key))


def relations_rows(relations):
    """{input name: rows} from DuckDB relations given by input name."""
    return {name: sorted_rows(relations[name].columns, relations[name].fetchall(),
                              INPUTS[name][2])
            for name in INPUTS}


def inputs_by_edition(rows):
    """{edition: (cells, constraints, facts)} from {input name: rows}: the
    cells of each edition as disclosure_audit.Cell, the instances that hold
    as Constraint, and the published cells' own columns by cell_id (facts)."""
    holding = {row["instance_id"]: row for row in rows["reconciliation"] if row["holds"]}
    sides = defaultdict(lambda: {"parts": [], "total": [], "percent": []})
    for row in rows["members"]:
        if row["instance_id"] in holding:
            sides[row["instance_id"]][row["side"]].append(row["cell_id"])

    editions = defaultdict(lambda: ([], [], {}))
    percent_cells = {cell_id for members in sides.values() for cell_id in members["percent"]}
    for row in rows["cells"]:
        cells, _, facts = editions[int(row["edition"])]
        facts[row["cell_id"]] = row
        if row["cell_id"] in percent_cells or row["unit"] == "percent":
            continue  # a printed percentage is a constant of its share, not a cell
        cells.append(Cell(row["cell_id"], int(row["count_low"]),
                          int(row["count_high"]), bool(row["is_suppressed"])))
    for instance_id, members in sorted(sides.items()):
        instance = holding[instance_id]
        percent = instance["printed_percent"]
        editions[int(instance["edition"])][1].append(Constraint(
            instance_id, instance["identity_id"], instance["relation"],
            tuple(sorted(members["parts"])), tuple(sorted(members["total"])),
            None if percent is None else int(percent),
            members["percent"][0] if members["percent"] else None))
    return dict(sorted(editions.items()))


def _typed(rows, column_types):
    """A data frame of rows with the column types of the table (its whole
    numbers as 32-bit integers, as in the marts)."""
    frame = pd.DataFrame(rows, columns=list(column_types))
    return frame.astype({column: {"integer": "int32", "boolean": "bool"}[kind]
                         for column, kind in column_types.items()
                         if kind in ("integer", "boolean")})


def _cell_columns(edition, cell):
    return {
        "table_id": cell["table_id"],
        "edition": edition,
        "year": int(cell["year"]),
        "category": cell["category"],
        "cross_category": cell["cross_category"],
    }


def audit_frame(editions):
    """The table disclosure_audit: one row per `<5` cell of each edition."""
    rows = []
    for edition, (cells, constraints, facts) in editions.items():
        structural = exposed_by_structure(cells, constraints)
        for result in audit(cells, constraints):
            rows.append({
                "cell_id": result.cell_id,
                **_cell_columns(edition, facts[result.cell_id]),
                "is_exposed": result.is_exposed,
                "is_pinned": result.is_pinned,
                "derivable_width": int(result.derivable_width),
                "exposing_identity_ids": ", ".join(result.exposing_identity_ids) or None,
                "is_exposed_by_layout": result.cell_id in structural,
            })
    return _typed(rows, AUDIT_COLUMNS)


def suggestion_frame(editions):
    """The table disclosure_suggested_suppression: the printed figures to
    leave out, per edition."""
    rows = []
    for edition, (cells, constraints, facts) in editions.items():
        for suggestion in suggest_suppression(cells, constraints):
            cell = facts[suggestion.cell_id]
            rows.append({
                "cell_id": suggestion.cell_id,
                **_cell_columns(edition, cell),
                "published_value": cell["published_value"],
                "reason": suggestion.reason,
            })
    return _typed(rows, SUGGESTION_COLUMNS)


# The audit's tables: name -> (builder, column types).
TABLES = {
    "disclosure_audit": (audit_frame, AUDIT_COLUMNS),
    "disclosure_suggested_suppression": (suggestion_frame, SUGGESTION_COLUMNS),
}
