-- The published cells as the marts may show them. A suppressed cell (<5)
-- that a reader could pin to one value by applying the report's identities
-- (int_identity_groups, until nothing changes: propagation_step) is
-- protected by secondary suppression: in each group holding a pinned cell,
-- one exact count, on the pinned cell's side if it has one, else on the
-- other side (a count of at least 4 first, then an unknown or other
-- category, then the smallest), is widened to count - 4 .. count + 4,
-- together with the same count in another table. Propagation and widening
-- alternate in one recursive CTE until nothing is pinned; it ends because
-- every widening round widens a cell not widened before.
-- The exact value stays in the seed and in staging.
-- Grain: one row per cell (as int_published_cells_latest_edition).

with recursive

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

groups as (

    select * from {{ ref('int_identity_groups') }}

),

-- Each round holds, per cell, what the marts would show (shown_low,
-- shown_high, is_widened) and what a reader works out from it (count_low,
-- count_high). While a bound changed (`changed`), the next round
-- propagates; at the fixpoint, it widens.
rounds as (

    select
        0 as round,
        cell_id,
        count_low,
        count_high,
        count_low as shown_low,
        count_high as shown_high,
        false as is_widened,
        true as changed
    from cells

    union all

    select * from (

        with

        previous as (

            select * from rounds

        ),

        propagated as (

            {{ propagation_step(
                '(select * from previous where changed)', 'groups',
                carried=['shown_low', 'shown_high', 'is_widened']) }}

        ),

        pinned as (

            select distinct
                groups.group_id,
                groups.side
            from previous
            inner join cells using (cell_id)
            inner join groups using (cell_id)
            where
                not previous.changed
                and cells.is_suppressed
                and previous.count_low = previous.count_high

        ),

        candidates as (

            select
                previous.cell_id,
                row_number() over (
                    partition by pinned.group_id, pinned.side
                    order by
                        -- prefer the pinned cell's side; there an unknown
                        -- or other category, then the smallest count
                        case when groups.side = pinned.side then 0 else 1 end,
                        -- a count of at least 4 hides a <5 cell completely
                        case when previous.shown_low >= 4 then 0 else 1 end,
                        coalesce(
                            cells.category like 'unknown%'
                            or cells.category = 'other'
                            or cells.cross_category like 'unknown%',
                            false
                        ) desc,
                        previous.shown_low asc,
                        previous.cell_id asc
                ) as candidate_rank
            from pinned
            inner join groups on pinned.group_id = groups.group_id
            inner join previous using (cell_id)
            inner join cells using (cell_id)
            where
                not cells.is_suppressed
                and not previous.is_widened

        ),

        chosen as (

            select distinct cell_id
            from candidates
            where candidate_rank = 1

        ),

        widened as (

            -- a count printed in two tables is widened in both
            select cell_id from chosen
            union
            select partners.cell_id
            from chosen
            inner join groups as pairs
                on
                    chosen.cell_id = pairs.cell_id
                    and pairs.group_id like 'pair|%'
            inner join groups as partners
                on pairs.group_id = partners.group_id

        ),

        n_widened as (

            select count(*) as n from widened

        ),

        shown_next as (

            select
                previous.round,
                previous.cell_id,
                case
                    when widened.cell_id is null then previous.shown_low
                    else greatest(previous.shown_low - 4, 0)
                end as shown_low,
                case
                    when widened.cell_id is null then previous.shown_high
                    else previous.shown_high + 4
                end as shown_high,
                previous.is_widened or widened.cell_id is not null as is_widened
            from previous
            left join widened on previous.cell_id = widened.cell_id
            -- a widening round only when something is widened
            cross join n_widened
            where
                not previous.changed
                and n_widened.n > 0

        )

        select
            round,
            cell_id,
            count_low,
            count_high,
            shown_low,
            shown_high,
            is_widened,
            changed
        from propagated

        union all

        -- after widening, the reader starts again from what is shown
        select
            round + 1 as round,
            cell_id,
            shown_low as count_low,
            shown_high as count_high,
            shown_low,
            shown_high,
            is_widened,
            true as changed
        from shown_next

    )

),

shown as (

    select
        cell_id,
        shown_low,
        shown_high,
        is_widened
    from rounds
    qualify round = max(round) over ()

),

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
        shown.shown_low as count_low,
        shown.shown_high as count_high,
        shown.is_widened
    from cells
    inner join shown using (cell_id)

)

select * from final
