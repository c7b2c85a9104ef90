"""Printed figures a producer could leave out to protect every `<5` cell.

For each edition, a small set of exact cells which, printed as unknown
(not `<5`: any non-negative count), leave every `<5` cell with its full
0..4 derivable range under all identities jointly; chosen greedily and
verified by the same integer programs as disclosure_audit
(lib/disclosure_audit.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from audit_inputs import TABLES, inputs_by_edition, relations_rows

    # dbt reads a Python model's dependencies from its own file
    rows = relations_rows({
        "cells": dbt.ref("int_published_cells"),
        "members": dbt.ref("int_identity_members"),
        "reconciliation": dbt.ref("reconciliation"),
    })
    build, _ = TABLES["disclosure_suggested_suppression"]
    return build(inputs_by_edition(rows))
