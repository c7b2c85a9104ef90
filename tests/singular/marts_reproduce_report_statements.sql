-- Asserts: the marts reproduce every figure of the prose that the identity
-- catalogue ties to table cells, and every yearly total the prose prints
-- (see the mart report_statements), except the statements of an earlier
-- edition whose cells a later edition republishes; a mart row that is
-- missing or renamed fails as "not in the marts". Fails too when no
-- statement is checked.
{% call fail_with_message() %}
    select
        'prose statement ' || statement_id || ': the prose gives '
        || prose_figure || ', the marts give ' || marts_bounds
        || case
            when n_cells_not_in_marts > 0
                then ' (' || n_cells_not_in_marts || ' cells not in the marts)'
            else ''
        end as failure_message
    from {{ ref('report_statements') }}
    where not is_reproduced and not is_superseded

    union all

    select 'no prose statement is checked against the marts'
    where not exists (select 1 from {{ ref('report_statements') }})
{% endcall %}
