-- The chain from victims to convictions, per reference year: nine stages
-- from the estimated number of victims to convictions, each with its unit,
-- its source and its ratio to the previous stage and to reported victims.
-- These are yearly flows measured in different units (persons, police
-- investigations, OM cases, court cases), not one cohort followed through
-- the chain. The stages and where each count comes from are data
-- (nrm__funnel_stages). Grain: one row per year and stage.

with

totals as (

    select * from {{ ref('int_yearly_totals') }}

),

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

stages as (

    select * from {{ ref('stg_nrm__funnel_stages') }}

),

prose as (

    select * from {{ ref('stg_nrm__key_figures') }}

),

years as (

    select distinct
        edition,
        year
    from totals
    where population = 'reported_victims'

),

counts as (

    -- a stage counted by a population's yearly total
    select
        stages.stage,
        null as cell_id,
        totals.year,
        totals.edition,
        totals.total_low as count_low,
        totals.total_high as count_high,
        totals.has_suppressed as has_suppressed_input
    from stages
    inner join totals on stages.population = totals.population

    union all

    -- a stage counted by one table cell of the year
    select
        stages.stage,
        cells.cell_id,
        cells.year,
        cells.edition,
        cells.count_low,
        cells.count_high,
        cells.is_suppressed
    from stages
    inner join cells
        on
            stages.table_id = cells.table_id
            and stages.category = cells.category
            and cells.cross_category = 'all'

    union all

    -- a stage counted by an undated figure of the prose: shown for the
    -- year of the latest edition that gives it
    select
        stages.stage,
        null as cell_id,
        prose.edition as year,
        prose.edition,
        cast(prose.value as integer) as count_low,
        cast(prose.value as integer) as count_high,
        false as has_suppressed_input
    from stages
    inner join prose on stages.figure_id = prose.figure_id
    where
        prose.year is null
        and not exists (
            select 1
            from prose as later
            where
                later.figure_id = prose.figure_id
                and later.year is null
                and later.edition > prose.edition
        )

),

grid as (

    select
        years.year,
        coalesce(counts.edition, years.edition) as edition,
        stages.stage_number,
        stages.stage,
        stages.stage_label_nl,
        stages.stage_label_en,
        stages.unit,
        stages.source_organisation,
        counts.cell_id,
        counts.count_low,
        counts.count_high,
        counts.count_low is not null as is_published,
        coalesce(counts.has_suppressed_input, false) as has_suppressed_input,
        stages.figure_id is not null as stage_without_year
    from years
    cross join stages
    left join counts
        on stages.stage = counts.stage and years.year = counts.year

),

with_neighbours as (

    select
        grid.*,
        lag(grid.count_low) over by_stage as previous_low,
        lag(grid.count_high) over by_stage as previous_high,
        max(grid.count_low) filter (where grid.stage = 'reported_victims')
            over by_year as reported_low,
        max(grid.count_high) filter (where grid.stage = 'reported_victims')
            over by_year as reported_high
    from grid
    window
        by_stage as (partition by year order by stage_number),
        by_year as (partition by year)

),

final as (

    select
        -- keys
        year,
        stage_number,
        stage,
        edition,

        -- labels and provenance
        stage_label_en,
        stage_label_nl,
        unit,
        source_organisation,
        cell_id,

        -- counts and ratios
        count_low,
        count_high,
        {{ bounded_ratio(
            'count_low', 'count_high', 'previous_low', 'previous_high',
            'ratio_to_previous_stage') }},
        {{ bounded_ratio(
            'count_low', 'count_high', 'reported_low', 'reported_high',
            'ratio_to_reported_victims') }},

        -- flags
        is_published,
        has_suppressed_input,
        case
            when not is_published
                then 'not published for this year in this edition'
            when stage_without_year
                then
                    'annual estimate given without a reference year; '
                    || 'shown for the edition year'
            when has_suppressed_input
                then 'sum of cells of which at least one was printed <5'
        end as availability_note

    from with_neighbours

)

select * from final
