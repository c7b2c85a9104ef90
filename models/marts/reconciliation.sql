-- Every check of the report against itself: one row per instance of each
-- identity of the catalogue (nrm__identities), with both sides as bounds,
-- the slack between them (or the printed percentage of a rounded share)
-- and whether the identity holds. An analyst finds
-- every contradiction of the report with `where not holds`.
-- Grain: one row per identity instance (identity, edition, year, key).

with

members as (

    select * from {{ ref('int_identity_members') }}

),

cells as (

    select * from {{ ref('int_published_cells') }}

),

identities as (

    select * from {{ ref('stg_nrm__identities') }}

),

sides as (

    select
        members.instance_id,
        members.identity_id,
        members.edition,
        members.year,
        members.instance_key,
        sum(cells.count_low) filter (where members.side = 'parts')
            as parts_low,
        sum(cells.count_high) filter (where members.side = 'parts')
            as parts_high,
        sum(cells.count_low) filter (where members.side = 'total')
            as total_low,
        sum(cells.count_high) filter (where members.side = 'total')
            as total_high,
        sum(cells.count_low) filter (where members.side = 'percent')
            as printed_percent,
        count(*) filter (where members.side = 'parts') as n_parts,
        count(*) filter (where members.side = 'total') as n_totals,
        bool_or(cells.is_suppressed) as has_suppressed_input
    from members
    inner join cells on members.cell_id = cells.cell_id
    group by
        members.instance_id,
        members.identity_id,
        members.edition,
        members.year,
        members.instance_key

),

final as (

    select
        -- keys
        sides.instance_id,
        sides.identity_id,
        sides.edition,
        sides.year,
        sides.instance_key,

        -- the identity
        identities.relation,
        identities.description,
        identities.is_kept_by_report,
        identities.finding,

        -- both sides as bounds, and the slack total - parts (for a share,
        -- the printed percentage instead)
        cast(sides.parts_low as integer) as parts_low,
        cast(sides.parts_high as integer) as parts_high,
        cast(sides.total_low as integer) as total_low,
        cast(sides.total_high as integer) as total_high,
        case
            when identities.relation <> 'share_rounds_to'
                then cast(sides.total_low - sides.parts_high as integer)
        end as slack_low,
        case
            when identities.relation <> 'share_rounds_to'
                then cast(sides.total_high - sides.parts_low as integer)
        end as slack_high,
        cast(sides.printed_percent as integer) as printed_percent,
        cast(sides.n_parts as integer) as n_parts,
        cast(sides.n_totals as integer) as n_totals,

        -- verdict
        sides.has_suppressed_input,
        case identities.relation
            when 'equals'
                then
                    sides.parts_low <= sides.total_high
                    and sides.parts_high >= sides.total_low
            when 'at_most' then sides.parts_low <= sides.total_high
            -- some share within the bounds rounds to the printed percentage
            when 'share_rounds_to'
                then
                    200 * sides.parts_high
                    >= (2 * sides.printed_percent - 1) * sides.total_low
                    and 200 * sides.parts_low
                    <= (2 * sides.printed_percent + 1) * sides.total_high
        end as holds

    from sides
    inner join identities on sides.identity_id = identities.identity_id

)

select * from final
