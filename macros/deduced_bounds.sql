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
    side, or the cell no group). The side sums are window sums, so
    `members` is read once: a chain of rounds stays linear for DuckDB's
    binder, which binds a CTE again at every reference.
-#}
{% macro deduced_bounds(members) -%}
    select
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
    Bounds of every cell after a reader has applied all identities, again
    and again: each round replaces a cell's bounds by their intersection
    with what each of its groups implies (deduced_bounds), starting from
    `cells` (cell_id, count_low, count_high). A group whose identity the
    report itself breaks can imply an empty range; such a deduction is
    ignored. Returns cell_id, count_low, count_high after `rounds` rounds.
    Each round reads the previous one once.
-#}
{% macro propagated_bounds(cells, groups, rounds=6) -%}
    with

    bounds_0 as materialized (
        select cell_id, count_low, count_high from {{ cells }}
    ),
    {%- for r in range(1, rounds + 1) %}

    deduced_{{ r }} as (
        {{ deduced_bounds(
            '(select g.group_id, g.side, b.cell_id, b.count_low, b.count_high'
            ~ ' from bounds_' ~ (r - 1) ~ ' as b left join ' ~ groups
            ~ ' as g on b.cell_id = g.cell_id)') }}
    ),

    bounds_{{ r }} as materialized (
        select
            cell_id,
            greatest(
                count_low,
                coalesce(
                    max(deduced_low) filter (where deduced_low <= deduced_high),
                    count_low
                )
            ) as count_low,
            least(
                count_high,
                coalesce(
                    min(deduced_high) filter (where deduced_low <= deduced_high),
                    count_high
                )
            ) as count_high
        from deduced_{{ r }}
        group by cell_id, count_low, count_high
    ),
    {%- endfor %}

    final as (
        select * from bounds_{{ rounds }}
    )

    select * from final
{%- endmacro %}
