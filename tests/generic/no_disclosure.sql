{#-
    No suppressed cell can be worked out from what the model shows. Takes
    the model's bounds for the cells it shows (cell_id, count_low,
    count_high), the disclosure-controlled bounds for all other cells,
    applies every identity of the report until nothing changes
    (propagated_bounds over int_identity_groups), and fails for each cell
    published as <5 that ends up with one possible value, or that the model
    shows as exact.
-#}
{% test no_disclosure(model) %}
{% call fail_with_message() %}
    with

    shown as (
        select cell_id, count_low, count_high from {{ model }}
        where cell_id is not null
    ),

    all_cells as (
        select cell_id, count_low, count_high from shown
        union all
        select cell_id, count_low, count_high
        from {{ ref('int_published_cells_disclosure_controlled') }}
        where cell_id not in (select cell_id from shown)
    ),

    propagated as (
        {{ propagated_bounds('all_cells', ref('int_identity_groups')) }}
    )

    select
        '{{ model.identifier }}: the suppressed cell ' || cells.cell_id
        || ' can be worked out as ' || propagated.count_low
        || ' from the identities of the report' as failure_message
    from propagated
    inner join {{ ref('int_published_cells_latest_edition') }} as cells
        using (cell_id)
    where cells.is_suppressed and propagated.count_low = propagated.count_high
{% endcall %}
{% endtest %}
