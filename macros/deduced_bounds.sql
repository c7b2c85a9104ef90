{#-
    What a reader can work out about each cell of an identity group by
    subtraction. `members` is a relation with group_id, cell_id, side
    ('a' or 'b': the cells of side a add up to the cells of side b),
    count_low, count_high. For a cell on one side, the identity gives
        [other side low  - (own side high - cell high),
         other side high - (own side low  - cell low)],
    intersected with the cell's own bounds. Returns one row per group and
    cell with deduced_low and deduced_high; the macro serves both the
    disclosure control model and the test that checks the marts.
-#}
{% macro deduced_bounds(members) -%}
    with

    side_sums as materialized (

        select
            group_id,
            side,
            sum(count_low) as side_low,
            sum(count_high) as side_high
        from {{ members }}
        group by group_id, side

    ),

    deduced as (

        select
            m.group_id,
            m.cell_id,
            m.side,
            m.count_low,
            m.count_high,
            greatest(
                m.count_low,
                other.side_low - (own.side_high - m.count_high)
            ) as deduced_low,
            least(
                m.count_high,
                other.side_high - (own.side_low - m.count_low)
            ) as deduced_high
        from {{ members }} as m
        inner join side_sums as own
            on m.group_id = own.group_id and m.side = own.side
        inner join side_sums as other
            on m.group_id = other.group_id and m.side <> other.side

    )

    select * from deduced
{%- endmacro %}

{#-
    Bounds of every cell after a reader has applied all identities, again
    and again: each round replaces a cell's bounds by their intersection
    with what each of its groups implies (deduced_bounds), starting from
    `cells` (cell_id, count_low, count_high). A group whose identity the
    report itself breaks can imply an empty range; such a deduction is
    ignored. Returns cell_id, count_low, count_high after `rounds` rounds.
-#}
{% macro propagated_bounds(cells, groups, rounds=6) -%}
    with

    bounds_0 as materialized (
        select cell_id, count_low, count_high from {{ cells }}
    ),
    {%- for r in range(1, rounds + 1) %}

    members_{{ r }} as (
        select g.group_id, g.side, b.cell_id, b.count_low, b.count_high
        from {{ groups }} as g
        inner join bounds_{{ r - 1 }} as b using (cell_id)
    ),

    deduced_{{ r }} as (
        {{ deduced_bounds('members_' ~ r) }}
    ),

    bounds_{{ r }} as materialized (
        select
            b.cell_id,
            greatest(b.count_low, coalesce(max(d.deduced_low), b.count_low))
                as count_low,
            least(b.count_high, coalesce(min(d.deduced_high), b.count_high))
                as count_high
        from bounds_{{ r - 1 }} as b
        left join deduced_{{ r }} as d
            on b.cell_id = d.cell_id and d.deduced_low <= d.deduced_high
        group by b.cell_id, b.count_low, b.count_high
    ),
    {%- endfor %}

    final as (
        select * from bounds_{{ rounds }}
    )

    select * from final
{%- endmacro %}
