{#-
    A table that has totals has every cell: per edition, each combination of
    the values of `dimensions` seen in the rows (selected by `rows_where`) is
    present. With all_years, `year` runs over the whole edition
    (edition - years_per_edition + 1 .. edition), so a missing year is found
    too. A missing cell fails, naming it.
-#}
{% test complete_grid(model, dimensions, rows_where='true', all_years=true) %}
{% call fail_with_message() %}
    with

    selected as (
        select * from {{ model }} where {{ rows_where }}
    ),

    editions as (
        select distinct edition from selected
    ),

    expected as (
        select
            editions.edition
            {%- for d in dimensions %}, d{{ loop.index }}.{{ d }}{% endfor %}
        from editions
        {%- for d in dimensions %}
        {%- if d == 'year' and all_years %}
        cross join lateral generate_series(
            editions.edition - {{ var('years_per_edition') }} + 1,
            editions.edition
        ) as d{{ loop.index }} (year)
        {%- else %}
        inner join (
            select distinct edition, {{ d }} from selected
        ) as d{{ loop.index }} using (edition)
        {%- endif %}
        {%- endfor %}
    )

    select
        '{{ model.identifier }}: no row for ('
        || {{ row_label(['edition'] + dimensions) }}
        || '): a cell of the table is missing' as failure_message
    from expected
    where not exists (
        select 1
        from selected
        where
            selected.edition = expected.edition
            {%- for d in dimensions %}
            and selected.{{ d }} = expected.{{ d }}
            {%- endfor %}
    )
{% endcall %}
{% endtest %}
