-- Who the victims and suspects are: every published breakdown of reported
-- victims (CoMensha) and police suspects (EMM), per reference year, with
-- its share of the year's total as bounds.
-- Grain: one row per year, population, breakdown, category and cross
-- category; counts persons.

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}
    where
        population in ('reported_victims', 'police_suspects')
        and table_id <> 'nrm__key_figures'

),

totals as (

    select * from {{ ref('int_yearly_totals') }}

),

tables as (

    select * from {{ ref('stg_nrm__report_tables') }}

),

joined as (

    select
        -- keys
        cells.cell_id,
        cells.edition,
        cells.year,
        cells.population,
        cells.breakdown,
        cells.category,
        cells.cross_breakdown,
        cells.cross_category,

        -- labels and provenance
        cells.category_label_nl,
        cells.cross_category_label_nl,
        cells.table_id as source_table,
        tables.source_organisation,
        cells.unit,

        -- counts
        cells.count_low,
        cells.count_high,
        totals.total_low as year_total_low,
        totals.total_high as year_total_high,
        {{ bounded_ratio(
            'cells.count_low', 'cells.count_high',
            'totals.total_low', 'totals.total_high', 'share_of_year_total') }},

        -- flags
        cells.is_suppressed,
        cells.is_uncertain,
        coalesce(tables.counts_each_person_once, false) as is_additive

    from cells
    left join totals
        on cells.population = totals.population and cells.year = totals.year
    left join tables
        on cells.table_id = tables.table_id and cells.edition = tables.edition

)

select * from joined
