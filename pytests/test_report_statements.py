"""The check of the marts against the prose (mart report_statements and the
test marts_reproduce_report_statements) finds what it should, and fails
when a mart row is renamed or a mart figure changed."""

import duckdb
import pytest

from conftest import warehouse_copy


def node(build_manifest, name):
    found, = [n for n in build_manifest["nodes"].values() if n["name"] == name]
    return found


def statements_after(built, build_manifest, directory, change):
    """(rows of report_statements, error of the singular test or None) on a
    copy of the warehouse with `change` applied to the marts."""
    con = duckdb.connect(str(warehouse_copy(built, directory)))
    assert con.execute(change).fetchone()[0] >= 1
    model = node(build_manifest, "report_statements")
    con.execute(f"create or replace table {model['relation_name']} as "
                f"({model['compiled_code']})")
    rows = con.execute("select * from main_marts.report_statements").fetchall()
    try:
        con.execute(node(build_manifest, "marts_reproduce_report_statements")
                    ["compiled_code"]).fetchall()
        error = None
    except duckdb.Error as raised:
        error = str(raised)
    con.close()
    return rows, error


def test_every_prose_statement_of_the_catalogue_is_checked(warehouse):
    """As many statements as instances of kept identities that tie prose
    figures to table cells, plus one per prose total of a population; all
    reproduced."""
    expected = warehouse.execute("""
        with sides as (
            select m.instance_id, m.identity_id, m.side,
                bool_and(c.table_id = 'nrm__key_figures') as is_prose,
                bool_and(c.table_id <> 'nrm__key_figures') as is_tables
            from main_intermediate.int_identity_members as m
            join main_intermediate.int_published_cells as c using (cell_id)
            group by all
        )
        select count(distinct instance_id) from sides
        join main_staging.stg_nrm__identities as i using (identity_id)
        where i.is_kept_by_report and i.relation in ('equals', 'share_rounds_to')
            and instance_id in (select instance_id from sides where is_prose)
            and instance_id in (select instance_id from sides where is_tables)
    """).fetchone()[0]
    totals = warehouse.execute("""
        select count(*) from main_staging.stg_nrm__key_figures as k
        join main_staging.stg_nrm__populations as p on k.figure_id = p.total_figure_id
    """).fetchone()[0]
    rows = warehouse.execute(
        "select statement_kind, count(*), count(*) filter (where is_reproduced) "
        "from main_marts.report_statements group by all").fetchall()
    counts = {kind: (n, ok) for kind, n, ok in rows}
    print(f"statements compared: {counts}")
    assert counts == {"identity": (expected, expected), "yearly_total": (totals, totals)}
    assert expected > 30 and totals > 5


@pytest.mark.parametrize("change, fragment", [
    ("update main_marts.demographics set category = 'azie' "
     "where category = 'asia' and year = 2022",
     "cells not in the marts"),
    ("update main_marts.prosecution set count_low = 80, count_high = 80 "
     "where category = 'conviction' and form = 'all' and year = 2022",
     "prose statement prose_conviction_rate|2022|2022|all: the prose gives 66%"),
    ("update main_marts.funnel set count_low = 815, count_high = 815 "
     "where stage = 'reported_victims' and year = 2022",
     "prose statement total|reported_victims|2022: the prose gives 814"),
])
def test_a_changed_mart_fails_the_check(change, fragment, built, build_manifest, tmp_path):
    rows, error = statements_after(built, build_manifest, tmp_path, change)
    assert error is not None and fragment in error, error
    assert any(not row[-1] for row in rows)
