-- Every figure of the prose that the marts should give, and whether they
-- do. Two kinds: a statement of the identity catalogue with prose figures
-- on one side and table cells on the other (the prose's 70 minors = the age
-- table's minors; its 51% summonses = summonses over disposals), checked
-- against the mart rows of those cells (demographics, prosecution: by
-- cell_id, category and cross category): a count must lie in their bounds
-- (exact unless the table prints <5), a percentage must be their rounded
-- share; and a yearly total
-- the prose prints for a population, checked against the funnel. Driven by
-- the catalogue and the seeds, so a next edition needs no change here. A
-- statement of an edition whose cells a later edition republishes is
-- superseded: the marts show the later edition, so it is not checked.
-- Grain: one row per statement (identity instance or prose total).

with

members as (
    select * from {{ ref('int_identity_members') }}
),

cells as (
    select * from {{ ref('int_published_cells') }}
),

latest as (
    select cell_id from {{ ref('int_published_cells_latest_edition') }}
),

identities as (
    select * from {{ ref('stg_nrm__identities') }}
),

mart_cells as (
    -- the marts' rows of published cells, under the marts' own keys
    select
        cell_id,
        category,
        cross_category,
        count_low,
        count_high
    from {{ ref('demographics') }}
    where cell_id is not null
    union
    select
        cell_id,
        category,
        form,
        count_low,
        count_high
    from {{ ref('prosecution') }}
    where cell_id is not null
),

classified as (
    -- each side of an instance: prose figures only, or table cells only
    select
        members.instance_id,
        members.side,
        bool_and(cells.table_id = 'nrm__key_figures') as is_prose,
        bool_and(cells.table_id <> 'nrm__key_figures') as is_tables,
        sum(cells.count_low) as prose_low,
        sum(cells.count_high) as prose_high,
        string_agg(
            cells.published_value, ' + '
            order by {{ in_byte_order('cells.cell_id') }}
        )
            as prose_printed,
        count(*) as n_cells,
        count(mart_cells.cell_id) as n_in_marts,
        count(*) filter (where latest.cell_id is null) as n_superseded,
        sum(mart_cells.count_low) as mart_low,
        sum(mart_cells.count_high) as mart_high
    from members
    inner join cells on members.cell_id = cells.cell_id
    -- found only under the cell's own category and cross category: a
    -- renamed category in a mart is not found
    left join latest on members.cell_id = latest.cell_id
    left join mart_cells
        on
            members.cell_id = mart_cells.cell_id
            and cells.category = mart_cells.category
            and cells.cross_category = mart_cells.cross_category
    group by members.instance_id, members.side
),

instance_identities as (
    select distinct
        instance_id,
        identity_id
    from members
),

statements as (
    -- instances whose prose side (or percentage) the marts must give
    select
        instance.instance_id,
        {{ dbt.any_value('identities.relation') }} as relation,
        max(classified.prose_low) filter (
            where classified.is_prose and classified.side <> 'percent'
        ) as prose_low,
        max(classified.prose_high) filter (
            where classified.is_prose and classified.side <> 'percent'
        ) as prose_high,
        max(classified.prose_printed) filter (
            where classified.is_prose and classified.side <> 'percent'
        ) as prose_printed,
        max(classified.prose_low) filter (
            where classified.side = 'percent'
        ) as prose_percent,
        sum(classified.mart_low) filter (
            where classified.is_tables and classified.side = 'parts'
        ) as parts_low,
        sum(classified.mart_high) filter (
            where classified.is_tables and classified.side = 'parts'
        ) as parts_high,
        sum(classified.mart_low) filter (
            where classified.is_tables and classified.side = 'total'
        ) as total_low,
        sum(classified.mart_high) filter (
            where classified.is_tables and classified.side = 'total'
        ) as total_high,
        sum(classified.n_cells - classified.n_in_marts) filter (
            where classified.is_tables
        ) as n_missing,
        sum(classified.n_superseded) filter (
            where classified.is_tables
        ) as n_superseded,
        bool_or(classified.is_prose) as has_prose
    from classified
    inner join instance_identities as instance
        on classified.instance_id = instance.instance_id
    inner join identities on instance.identity_id = identities.identity_id
    where identities.is_kept_by_report
    group by instance.instance_id
    having bool_or(classified.is_prose) and bool_or(classified.is_tables)
),

checked as (
    select
        instance_id,
        n_missing,
        n_superseded,
        relation,
        case
            when relation = 'share_rounds_to'
                then
                    200 * parts_high >= (2 * prose_percent - 1) * total_low
                    and 200 * parts_low
                    <= (2 * prose_percent + 1) * total_high
            -- a count: the prose's bounds (exact, or 0..4 for `<5`) meet the
            -- marts' bounds
            when relation = 'equals'
                then
                    prose_low <= coalesce(parts_high, total_high)
                    and prose_high >= coalesce(parts_low, total_low)
        end as reproduced,
        coalesce(parts_low, total_low) || '..'
        || coalesce(parts_high, total_high)
        || case
            when relation = 'share_rounds_to'
                then ' of ' || total_low || '..' || total_high
            else ''
        end as marts_give,
        coalesce(prose_printed, prose_percent || '%') as prose_gives
    from statements
    where relation in ('equals', 'share_rounds_to')
),

populations as (
    select * from {{ ref('stg_nrm__populations') }}
),

funnel_stages as (
    select * from {{ ref('stg_nrm__funnel_stages') }}
),

prose_totals as (
    select
        prose.figure_id,
        prose.year,
        prose.value,
        funnel.count_low,
        funnel.count_high
    from {{ ref('stg_nrm__key_figures') }} as prose
    inner join populations
        on prose.figure_id = populations.total_figure_id
    inner join funnel_stages
        on populations.population = funnel_stages.population
    left join {{ ref('funnel') }} as funnel
        on
            funnel_stages.stage = funnel.stage
            and prose.year = funnel.year
    where prose.edition = (
        select max(latest_prose.edition)
        from {{ ref('stg_nrm__key_figures') }} as latest_prose
    )
),

final as (
    select
        -- keys
        instance_id as statement_id,
        'identity' as statement_kind,
        -- what the prose says, and what the marts give
        prose_gives as prose_figure,
        marts_give as marts_bounds,
        cast(n_missing - n_superseded as integer) as n_cells_not_in_marts,
        n_superseded > 0 as is_superseded,
        coalesce(n_missing = 0 and reproduced, false) as is_reproduced
    from checked

    union all

    select
        'total|' || figure_id || '|' || year as statement_id,
        'yearly_total' as statement_kind,
        cast(value as integer) || '' as prose_figure,
        coalesce(count_low || '..' || count_high, 'nothing') as marts_bounds,
        case when count_low is null then 1 else 0 end
            as n_cells_not_in_marts,
        false as is_superseded,
        coalesce(count_low = value and count_high = value, false)
            as is_reproduced
    from prose_totals
)

select * from final
