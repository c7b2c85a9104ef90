-- The total of each population per reference year (latest edition), as
-- bounds. Where the prose prints the total for the year, that figure as
-- printed; otherwise the sum of the year's cells of the population's total
-- table (nrm__populations says which, and why), a range only where a `<5`
-- cell enters the sum. Never narrowed by combining several tables.
-- Grain: one row per population and year.

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

populations as (

    select * from {{ ref('stg_nrm__populations') }}

),

prose_totals as (

    select
        populations.population,
        cells.year,
        cells.edition,
        cells.unit,
        cells.count_low as total_low,
        cells.count_high as total_high,
        cells.is_suppressed as has_suppressed,
        'nrm__key_figures' as total_source
    from populations
    inner join cells
        on
            cells.table_id = 'nrm__key_figures'
            and populations.total_figure_id = cells.category

),

table_cells as (

    -- the year's values of the table: its `all` column where it has one,
    -- every cell where the table is a full cross-table (gender x age)
    select
        cells.*,
        bool_or(cells.cross_category = 'all') over (
            partition by cells.table_id, cells.year
        ) as has_year_values
    from populations
    inner join cells
        on
            populations.total_table_id = cells.table_id
            and populations.population = cells.population

),

table_totals as (

    select
        population,
        year,
        max(edition) as edition,
        {{ dbt.any_value('unit') }} as unit,
        cast(sum(count_low) as integer) as total_low,
        cast(sum(count_high) as integer) as total_high,
        bool_or(is_suppressed) as has_suppressed,
        {{ dbt.any_value('table_id') }} as total_source
    from table_cells
    where cross_category = 'all' or not has_year_values
    group by population, year

),

totals as (

    select * from prose_totals
    union all
    select * from table_totals
    where
        not exists (
            select 1
            from prose_totals
            where
                prose_totals.population = table_totals.population
                and prose_totals.year = table_totals.year
        )

)

select * from totals
