"""Reads the published cells and the identity instances of the warehouse
into the shapes of disclosure_audit, for the dbt Python models
disclosure_audit and disclosure_suggested_suppression.

An attacker uses every instance of an identity that the printed figures
allow (reconciliation.holds): the instances the report breaks are left out,
as no reader can rely on them.
"""

from collections import defaultdict

from disclosure_audit import Cell, Constraint


def rows_of(relation):
    """The rows of a DuckDB relation as dictionaries."""
    columns = relation.columns
    return [dict(zip(columns, row, strict=False)) for row in relation.fetchall()]


def inputs_by_edition(cells_relation, members_relation, reconciliation_relation):
    """{edition: (cells, constraints, facts)}: the cells of each edition as
    disclosure_audit.Cell, the instances that hold as Constraint, and the
    published cells' own columns by cell_id (facts)."""
    holding = {
        row["instance_id"]: row
        for row in rows_of(reconciliation_relation)
        if row["holds"]
    }
    sides = defaultdict(lambda: {"parts": [], "total": [], "percent": []})
    for row in rows_of(members_relation):
        if row["instance_id"] in holding:
            sides[row["instance_id"]][row["side"]].append(row["cell_id"])

    editions = defaultdict(lambda: ([], [], {}))
    percent_cells = {cell_id for members in sides.values() for cell_id in members["percent"]}
    for row in rows_of(cells_relation):
        cells, _, facts = editions[row["edition"]]
        facts[row["cell_id"]] = row
        if row["cell_id"] in percent_cells or row["unit"] == "percent":
            continue  # a printed percentage is a constant of its share, not a cell
        cells.append(Cell(row["cell_id"], int(row["count_low"]),
                          int(row["count_high"]), bool(row["is_suppressed"])))
    for instance_id, members in sorted(sides.items()):
        instance = holding[instance_id]
        editions[instance["edition"]][1].append(Constraint(
            instance_id, instance["identity_id"], instance["relation"],
            tuple(sorted(members["parts"])), tuple(sorted(members["total"])),
            instance["printed_percent"],
            members["percent"][0] if members["percent"] else None))
    return dict(sorted(editions.items()))
