-- Every check of the report against itself: one row per instance of each
-- identity of the catalogue (nrm__identities), with both sides as bounds,
-- the slack between them and whether the identity holds. An analyst finds
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

        -- both sides as bounds, and the slack total - parts
        cast(sides.parts_low as integer) as parts_low,
        cast(sides.parts_high as integer) as parts_high,
        cast(sides.total_low as integer) as total_low,
        cast(sides.total_high as integer) as total_high,
        cast(sides.total_low - sides.parts_high as integer) as slack_low,
        cast(sides.total_high - sides.parts_low as integer) as slack_high,
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
        end as holds

    from sides
    inner join identities on sides.identity_id = identities.identity_id

)

select * from final
