"""The audit models of the warehouse: disclosure_audit is the exact audit of
the warehouse's own cells and identity instances, it shows no derived value,
and the suggested suppression, applied, leaves no <5 cell exposed but those
the layout alone exposes."""

import sys
from dataclasses import replace

import pytest

from conftest import PROJECT

sys.path.insert(0, str(PROJECT / "lib"))
from audit_inputs import inputs_by_edition, relations_rows  # noqa: E402
from disclosure_audit import audit  # noqa: E402


@pytest.fixture(scope="module")
def editions(warehouse):
    return inputs_by_edition(relations_rows({
        "cells": warehouse.table("main_intermediate.int_published_cells"),
        "members": warehouse.table("main_intermediate.int_identity_members"),
        "reconciliation": warehouse.table("main_marts.reconciliation"),
    }))


def test_the_audit_covers_every_suppressed_cell_once(warehouse):
    audited = warehouse.execute(
        "select count(*), count(distinct cell_id) from main_audit.disclosure_audit").fetchone()
    suppressed = warehouse.execute(
        "select count(*) from main_intermediate.int_published_cells "
        "where is_suppressed").fetchone()[0]
    assert audited == (suppressed, suppressed)
    assert suppressed > 100


def test_the_audit_shows_no_derived_value(warehouse):
    columns = {row[0] for row in warehouse.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'main_audit'").fetchall()}
    assert not columns & {"count_low", "count_high", "derived_low",
                          "derived_high", "value", "min", "max"}


def test_the_model_is_the_audit_of_the_warehouse(warehouse, editions):
    """Recomputed from the warehouse's inputs, the audit gives the model's
    rows; and it exposes the cells the sector-by-origin chain pins."""
    model = {row[0]: row[1:] for row in warehouse.execute(
        "select cell_id, is_exposed, is_pinned, derivable_width, "
        "exposing_identity_ids from main_audit.disclosure_audit").fetchall()}
    recomputed = {}
    for cells, constraints, _ in editions.values():
        for result in audit(cells, constraints):
            recomputed[result.cell_id] = (
                result.is_exposed, result.is_pinned, result.derivable_width,
                ", ".join(result.exposing_identity_ids) or None)
    assert recomputed == model
    pinned = {cell for cell, row in model.items() if row[1]}
    chain = "comensha__sexual_exploitation_sectors_by_origin|2022|2022|"
    assert {chain + "escort_hotel|asia", chain + "escort_hotel|unknown",
            chain + "window|unknown"} <= pinned


def test_the_suggested_suppression_protects_every_cell(warehouse, editions):
    suggested = {row[0] for row in warehouse.execute(
        "select cell_id from main_audit.disclosure_suggested_suppression").fetchall()}
    assert suggested
    for cells, constraints, _ in editions.values():
        freed = [replace(cell, low=0, high=None) if cell.cell_id in suggested else cell
                 for cell in cells]
        # a printed percentage left out takes its rounded share with it
        kept = [c for c in constraints if c.percent_cell not in suggested]
        left = {r.cell_id for r in audit(freed, kept) if r.is_exposed}
        by_layout = {row[0] for row in warehouse.execute(
            "select cell_id from main_audit.disclosure_audit where is_exposed_by_layout"
        ).fetchall()}
        assert left == by_layout  # only what no suppression can protect
        # and without it, the same cells are exposed as in the model
        assert [r for r in audit(cells, constraints) if r.is_exposed]
