-- The chain from victims to convictions, per reference year: nine stages
-- from the estimated number of victims to convictions, each with its unit,
-- its source and its ratio to the previous stage and to reported victims.
-- These are yearly flows measured in different units (persons, police
-- investigations, OM cases, court cases), not one cohort followed through
-- the chain. Grain: one row per year and stage.

with

totals as (

    select * from {{ ref('int_yearly_totals') }}

),

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

estimate as (

    -- "naar schatting 5000 slachtoffers die er jaarlijks zijn": given
    -- without a reference year; shown for the edition's own year
    select
        edition,
        edition as year,
        cast(value as integer) as count_low,
        cast(value as integer) as count_high
    from {{ ref('stg_nrm__key_figures') }}
    where figure_id = 'estimated_victims_per_year'
    qualify row_number() over (order by edition desc) = 1

),

stages as (

    -- stage_number, stage, Dutch label, unit, source organisation
    select * from (
        values
        (
            1, 'estimated_victims', 'geschatte slachtoffers', 'persons',
            'Nationaal Rapporteur'
        ),
        (
            2, 'reported_victims', 'gemelde slachtoffers', 'persons',
            'CoMensha'
        ),
        (
            3, 'police_suspects', 'verdachten in beeld bij de politie',
            'persons', 'Politie / EMM'
        ),
        (
            4, 'police_investigations', 'opgestarte politieonderzoeken',
            'investigations', 'Politie'
        ),
        (
            5, 'registered_prosecution_cases', 'ingeschreven zaken OM',
            'cases', 'OM / WODC'
        ),
        (
            6, 'prosecution_disposals', 'afgehandelde zaken OM', 'cases',
            'OM / WODC'
        ),
        (7, 'summonses', 'dagvaardingen', 'cases', 'OM / WODC'),
        (
            8, 'court_decisions', 'door de rechter afgedane zaken', 'cases',
            'OM / WODC'
        ),
        (9, 'convictions', 'veroordelingen', 'cases', 'OM / WODC')
    ) as s (  -- noqa: AL05
        stage_number, stage, stage_label_nl, unit, source_organisation
    )

),

years as (

    select distinct
        edition,
        year
    from totals
    where population = 'reported_victims'

),

counts as (

    select
        population as stage,
        null as cell_id,
        year,
        edition,
        total_low as count_low,
        total_high as count_high,
        has_suppressed as has_suppressed_input
    from totals
    union all
    select
        case category
            when 'summons' then 'summonses'
            when 'conviction' then 'convictions'
        end as stage,
        cell_id,
        year,
        edition,
        count_low,
        count_high,
        is_suppressed
    from cells
    where
        cross_category = 'all'
        and (
            (table_id = 'wodc__prosecution_disposals' and category = 'summons')
            or (table_id = 'wodc__court_decisions' and category = 'conviction')
        )
    union all
    select
        'estimated_victims' as stage,
        null as cell_id,
        year,
        edition,
        count_low,
        count_high,
        false as has_suppressed_input
    from estimate

),

grid as (

    select
        years.year,
        coalesce(counts.edition, years.edition) as edition,
        stages.stage_number,
        stages.stage,
        stages.stage_label_nl,
        stages.unit,
        stages.source_organisation,
        counts.cell_id,
        counts.count_low,
        counts.count_high,
        counts.count_low is not null as is_published,
        coalesce(counts.has_suppressed_input, false) as has_suppressed_input
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
            when stage = 'estimated_victims'
                then
                    'annual estimate given without a reference year; '
                    || 'shown for the edition year'
            when has_suppressed_input
                then 'sum of cells of which at least one was printed <5'
        end as availability_note

    from with_neighbours

)

select * from final
