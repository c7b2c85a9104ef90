"""Which `<5` cells the report's own figures expose.

For every cell printed `<5`, the smallest and largest value it can take over
all non-negative whole-number solutions of all instances of the identity
catalogue that the printed figures allow, jointly (every table and the
prose figures of the edition), by integer programs (lib/disclosure_audit.py,
scipy's HiGHS). Shows whether the cell is exposed or pinned and which
identities expose it, never the value that can be derived.
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
    build, _ = TABLES["disclosure_audit"]
    return build(inputs_by_edition(rows))
