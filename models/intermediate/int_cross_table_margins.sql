-- The totals a full cross-table leaves to the reader: for a table printed
-- as categories x cross categories with no `all` column (the police
-- suspects by gender x age group), each row's total over the cross
-- categories (cross_category `all`) and each column's total over the
-- categories (category `all`), as sums of the printed cells: a range where
-- a `<5` cell enters. Latest edition. Grain: one row per table, year and
-- margin (category, cross category).

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}
    where table_id <> 'nrm__key_figures'

),

full_cross_tables as (

    select
        table_id,
        year
    from cells
    group by table_id, year
    having
        bool_and(cross_category <> 'all')
        and count(distinct cross_category) > 1

),

margin_cells as (

    select cells.*
    from cells
    inner join full_cross_tables
        on
            cells.table_id = full_cross_tables.table_id
            and cells.year = full_cross_tables.year

),

row_margins as (

    select
        table_id,
        year,
        max(edition) as edition,
        {{ dbt.any_value('population') }} as population,
        {{ dbt.any_value('unit') }} as unit,
        {{ dbt.any_value('breakdown') }} as breakdown,
        category,
        {{ dbt.any_value('cross_breakdown') }} as cross_breakdown,
        'all' as cross_category,
        cast(sum(count_low) as integer) as count_low,
        cast(sum(count_high) as integer) as count_high,
        bool_or(is_suppressed) as has_suppressed_input
    from margin_cells
    group by table_id, year, category

),

column_margins as (

    select
        table_id,
        year,
        max(edition) as edition,
        {{ dbt.any_value('population') }} as population,
        {{ dbt.any_value('unit') }} as unit,
        {{ dbt.any_value('breakdown') }} as breakdown,
        'all' as category,
        {{ dbt.any_value('cross_breakdown') }} as cross_breakdown,
        cross_category,
        cast(sum(count_low) as integer) as count_low,
        cast(sum(count_high) as integer) as count_high,
        bool_or(is_suppressed) as has_suppressed_input
    from margin_cells
    group by table_id, year, cross_category

)

select * from row_margins
union all
select * from column_margins
