"""Printed figures a producer could leave out to protect every `<5` cell.

For each edition, a small set of exact cells which, printed as unknown
(not `<5`: any non-negative count), leave every `<5` cell with its full
0..4 derivable range under all identities jointly; chosen greedily and
verified by the same integer programs as disclosure_audit
(lib/disclosure_audit.py).
"""

import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    from audit_inputs import inputs_by_edition
    from disclosure_audit import suggest_suppression

    editions = inputs_by_edition(
        dbt.ref("int_published_cells"),
        dbt.ref("int_identity_members"),
        dbt.ref("reconciliation"),
    )
    rows = []
    for edition, (cells, constraints, facts) in editions.items():
        for suggestion in suggest_suppression(cells, constraints):
            cell = facts[suggestion.cell_id]
            rows.append({
                "cell_id": suggestion.cell_id,
                "table_id": cell["table_id"],
                "edition": int(edition),
                "year": int(cell["year"]),
                "category": cell["category"],
                "cross_category": cell["cross_category"],
                "published_value": cell["published_value"],
                "reason": suggestion.reason,
            })
    columns = ["cell_id", "table_id", "edition", "year", "category",
               "cross_category", "published_value", "reason"]
    return pd.DataFrame(rows, columns=columns)
