-- Who the victims and suspects are: every published breakdown of reported
-- victims (CoMensha) and police suspects (EMM), per reference year, with
-- its share of the year's total as bounds; plus the totals of a full
-- cross-table (suspects by gender and by age group), as sums of its cells.
-- Grain: one row per year, population, breakdown, category and cross
-- category; counts persons.

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}
    where
        population in ('reported_victims', 'police_suspects')
        and table_id <> 'nrm__key_figures'
        and unit = 'persons'

),

margins as (

    select * from {{ ref('int_cross_table_margins') }}
    where population in ('reported_victims', 'police_suspects')

),

codes as (

    select * from {{ ref('stg_nrm__codes') }}

),

totals as (

    select * from {{ ref('int_yearly_totals') }}

),

tables as (

    select * from {{ ref('stg_nrm__report_tables') }}

),

rows_shown as (

    select
        cell_id,
        table_id,
        edition,
        year,
        population,
        unit,
        breakdown,
        category,
        category_label_en,
        category_label_nl,
        category_printed_label,
        cross_breakdown,
        cross_category,
        cross_category_label_en,
        cross_category_label_nl,
        cross_category_printed_label,
        count_low,
        count_high,
        is_suppressed,
        is_suppressed as has_suppressed_input,
        is_uncertain
    from cells

    union all

    -- a margin is no printed cell: its labels come from the code lists
    select
        null as cell_id,
        margins.table_id,
        margins.edition,
        margins.year,
        margins.population,
        margins.unit,
        margins.breakdown,
        margins.category,
        category_codes.label_en as category_label_en,
        category_codes.label_nl as category_label_nl,
        null as category_printed_label,
        margins.cross_breakdown,
        margins.cross_category,
        cross_codes.label_en as cross_category_label_en,
        cross_codes.label_nl as cross_category_label_nl,
        null as cross_category_printed_label,
        margins.count_low,
        margins.count_high,
        false as is_suppressed,
        margins.has_suppressed_input,
        false as is_uncertain
    from margins
    inner join tables
        on
            margins.table_id = tables.table_id
            and margins.edition = tables.edition
    left join codes as category_codes
        on
            tables.category_concept = category_codes.concept
            and margins.category = category_codes.code
    left join codes as cross_codes
        on
            tables.cross_category_concept = cross_codes.concept
            and margins.cross_category = cross_codes.code

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

        -- labels (canonical per code) and provenance
        cells.category_label_en,
        cells.category_label_nl,
        cells.category_printed_label,
        cells.cross_category_label_en,
        cells.cross_category_label_nl,
        cells.cross_category_printed_label,
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
        cells.has_suppressed_input,
        cells.is_uncertain,
        coalesce(tables.counts_each_person_once, false) as is_additive

    from rows_shown as cells
    left join totals
        on cells.population = totals.population and cells.year = totals.year
    left join tables
        on cells.table_id = tables.table_id and cells.edition = tables.edition

)

select * from joined
