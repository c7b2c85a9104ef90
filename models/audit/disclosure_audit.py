"""Which `<5` cells the report's own figures expose.

For every cell printed `<5`, the smallest and largest value it can take over
all non-negative whole-number solutions of all instances of the identity
catalogue that the printed figures allow, jointly (every table and the
prose figures of the edition), by integer programs (lib/disclosure_audit.py,
scipy's HiGHS). Shows whether the cell is exposed or pinned and which
identities expose it, never the value that can be derived.
"""

import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    from audit_inputs import inputs_by_edition
    from disclosure_audit import audit, exposed_by_structure

    editions = inputs_by_edition(
        dbt.ref("int_published_cells"),
        dbt.ref("int_identity_members"),
        dbt.ref("reconciliation"),
    )
    rows = []
    for edition, (cells, constraints, facts) in editions.items():
        structural = exposed_by_structure(cells, constraints)
        for result in audit(cells, constraints):
            cell = facts[result.cell_id]
            rows.append({
                "cell_id": result.cell_id,
                "table_id": cell["table_id"],
                "edition": int(edition),
                "year": int(cell["year"]),
                "category": cell["category"],
                "cross_category": cell["cross_category"],
                "is_exposed": result.is_exposed,
                "is_pinned": result.is_pinned,
                "derivable_width": int(result.derivable_width),
                "exposing_identity_ids": ", ".join(result.exposing_identity_ids)
                or None,
                "is_exposed_by_layout": result.cell_id in structural,
            })
    columns = ["cell_id", "table_id", "edition", "year", "category",
               "cross_category", "is_exposed", "is_pinned", "derivable_width",
               "exposing_identity_ids", "is_exposed_by_layout"]
    return pd.DataFrame(rows, columns=columns)
