-- The published cells as the marts may show them. A suppressed cell (<5)
-- that a reader could pin to one value by applying the report's identities
-- (int_identity_groups, until nothing changes: propagated_bounds) is
-- protected by secondary suppression: in each group holding a pinned cell,
-- one exact count, on the pinned cell's side if it has one, else on the
-- other side (a count of at least 4 first, then an unknown or other
-- category, then the smallest), is widened to count - 4 .. count + 4,
-- together with the same count in another table; in up to three rounds,
-- until nothing is pinned.
-- The exact value stays in the seed and in staging.
-- Grain: one row per cell (as int_published_cells_latest_edition).

{%- set rounds = 3 %}

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

groups as (

    select * from {{ ref('int_identity_groups') }}

),

shown_0 as materialized (

    select
        cell_id,
        count_low,
        count_high,
        false as is_widened
    from cells

),
{%- for r in range(1, rounds + 1) %}

    propagated_{{ r }} as materialized (

        {{ propagated_bounds('shown_' ~ (r - 1), 'groups') }}

    ),

    pinned_{{ r }} as (

        select distinct
            groups.group_id,
            groups.side
        from propagated_{{ r }} as p
        inner join cells using (cell_id)
        inner join groups using (cell_id)
        where cells.is_suppressed and p.count_low = p.count_high

    ),

    candidates_{{ r }} as (

        select
            shown.cell_id,
            row_number() over (
                partition by pinned.group_id, pinned.side
                order by
                    -- prefer the pinned cell's side; there an unknown or
                    -- other category, then the smallest count
                    case when groups.side = pinned.side then 0 else 1 end asc,
                    -- a count of at least 4 hides a <5 cell completely
                    case when shown.count_low >= 4 then 0 else 1 end asc,
                    coalesce(
                        cells.category like 'unknown%'
                        or cells.category = 'other'
                        or cells.cross_category like 'unknown%',
                        false
                    ) desc,
                    shown.count_low asc,
                    shown.cell_id asc
            ) as candidate_rank
        from pinned_{{ r }} as pinned
        inner join groups on pinned.group_id = groups.group_id
        inner join shown_{{ r - 1 }} as shown on groups.cell_id = shown.cell_id
        inner join cells on groups.cell_id = cells.cell_id
        where
            not cells.is_suppressed
            and not shown.is_widened

    ),

    chosen_{{ r }} as (

        select distinct cell_id
        from candidates_{{ r }}
        where candidate_rank = 1

    ),

    widened_{{ r }} as (

        -- a count printed in two tables is widened in both
        select cell_id from chosen_{{ r }}
        union
        select partners.cell_id
        from chosen_{{ r }} as chosen
        inner join groups as pairs
            on chosen.cell_id = pairs.cell_id and pairs.group_id like 'pair|%'
        inner join groups as partners
            on pairs.group_id = partners.group_id

    ),

    shown_{{ r }} as materialized (

        select
            shown.cell_id,
            case
                when c.cell_id is null then shown.count_low
                else greatest(shown.count_low - 4, 0)
            end as count_low,
            case
                when c.cell_id is null then shown.count_high
                else shown.count_high + 4
            end as count_high,
            shown.is_widened or c.cell_id is not null as is_widened
        from shown_{{ r - 1 }} as shown
        left join widened_{{ r }} as c using (cell_id)

    ),
{%- endfor %}

final as (

    select
        cells.cell_id,
        cells.table_id,
        cells.edition,
        cells.year,
        cells.population,
        cells.unit,
        cells.breakdown,
        cells.category,
        cells.category_label_nl,
        cells.cross_breakdown,
        cells.cross_category,
        cells.cross_category_label_nl,
        cells.is_suppressed,
        cells.is_uncertain,
        shown.count_low,
        shown.count_high,
        shown.is_widened
    from cells
    inner join shown_{{ rounds }} as shown using (cell_id)

)

select * from final
