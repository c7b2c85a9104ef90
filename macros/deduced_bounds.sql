{#-
    What a reader can work out about each cell of an identity group by
    subtraction. `members` is a relation with group_id, cell_id, side
    ('a' or 'b': the cells of side a add up to the cells of side b),
    count_low, count_high; a row with a null group_id is a cell in no group.
    For a cell on one side, the identity gives
        [other side low  - (own side high - cell high),
         other side high - (own side low  - cell low)],
    intersected with the cell's own bounds. Returns the rows of `members`
    with deduced_low and deduced_high (null where the group has no other
    side, or the cell no group), and the `extra_columns` of `members`.
    The side sums are window sums, so `members` is read once.
-#}
{% macro deduced_bounds(members, extra_columns=[]) -%}
    select
        {%- for c in extra_columns %}
        {{ c }},
        {%- endfor %}
        group_id,
        cell_id,
        side,
        count_low,
        count_high,
        case when group_id is not null and n_group > n_side then
            greatest(
                count_low,
                (group_low - own_low) - (own_high - count_high)
            )
        end as deduced_low,
        case when group_id is not null and n_group > n_side then
            least(
                count_high,
                (group_high - own_high) - (own_low - count_low)
            )
        end as deduced_high
    from (
        select
            *,
            sum(count_low) over (partition by group_id, side) as own_low,
            sum(count_high) over (partition by group_id, side) as own_high,
            count(*) over (partition by group_id, side) as n_side,
            sum(count_low) over (partition by group_id) as group_low,
            sum(count_high) over (partition by group_id) as group_high,
            count(*) over (partition by group_id) as n_group
        from {{ members }}
    ) as sums
{%- endmacro %}

{#-
    One round of what a reader works out from all identities at once: from
    `state` (the rows of one round: round, cell_id, count_low, count_high,
    and the `carried` columns), each cell's bounds intersected with what
    each of its groups implies (deduced_bounds). A group whose identity the
    report itself breaks can imply an empty range; such a deduction is
    ignored. Returns round + 1, cell_id, count_low, count_high, the carried
    columns, and `changed`: whether any bound of the round narrowed.
-#}
{% macro propagation_step(state, groups, carried=[]) -%}
    select
        step.round + 1 as round,
        step.cell_id,
        step.new_low as count_low,
        step.new_high as count_high,
        {%- for c in carried %}
        step.{{ c }},
        {%- endfor %}
        bool_or(
            step.new_low > step.count_low or step.new_high < step.count_high
        ) over () as changed
    from (
        select
            deduced.round,
            deduced.cell_id,
            deduced.count_low,
            deduced.count_high,
            {%- for c in carried %}
            deduced.{{ c }},
            {%- endfor %}
            greatest(
                deduced.count_low,
                coalesce(
                    max(deduced.deduced_low) filter (
                        where deduced.deduced_low <= deduced.deduced_high
                    ),
                    deduced.count_low
                )
            ) as new_low,
            least(
                deduced.count_high,
                coalesce(
                    min(deduced.deduced_high) filter (
                        where deduced.deduced_low <= deduced.deduced_high
                    ),
                    deduced.count_high
                )
            ) as new_high
        from (
            {{ deduced_bounds(
                '(select b.*, g.group_id, g.side from ' ~ state ~ ' as b'
                ~ ' left join ' ~ groups ~ ' as g on b.cell_id = g.cell_id)',
                extra_columns=['round'] + carried) }}
        ) as deduced
        group by
            deduced.round,
            deduced.cell_id,
            deduced.count_low,
            deduced.count_high
            {%- for c in carried %},
            deduced.{{ c }}
            {%- endfor %}
    ) as step
{%- endmacro %}

{#-
    Bounds of every cell after a reader has applied all identities, again
    and again until nothing changes (a fixpoint): propagation_step, round
    after round, starting from `cells` (cell_id, count_low, count_high).
    Bounds only narrow, and an accepted deduction stays within the cell's
    bounds, so every bound stays within its first range and the rounds end.
    One recursive CTE: its SQL does not grow with the rounds.
    Returns cell_id, count_low, count_high.
-#}
{% macro propagated_bounds(cells, groups) -%}
    with recursive rounds as (

        select
            0 as round,
            cell_id,
            count_low,
            count_high,
            true as changed
        from {{ cells }}

        union all

        -- the next round, from a round in which a bound changed
        {{ propagation_step('(select * from rounds where changed)', groups) }}

    )

    select
        cell_id,
        count_low,
        count_high
    from rounds
    qualify round = max(round) over ()
{%- endmacro %}
