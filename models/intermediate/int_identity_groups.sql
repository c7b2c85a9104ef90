-- The identities of the report that a reader could use to work out a cell
-- by subtraction: in each group the cells of side 'a' add up to the cells
-- of side 'b'. Grain: one row per group and member cell.
--   row:       the 2022 split of a row (side a) = the row's value (side b)
--   partition: the categories of a year (a) = their published total (b),
--              or two categorisations of the same population (a = b)
--   column:    a column of a 2022 split (a) = its total in another table (b)
--   pair:      the same count printed in two tables (a = b)

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

row_parts as (

    -- the cells of a cross-breakdown, grouped per row
    select
        'row|' || table_id || '|' || year || '|' || category as group_id,
        table_id,
        year,
        category,
        cell_id,
        'a' as side
    from cells
    where cross_breakdown <> 'none' and cross_category <> 'all'

),

row_totals as (

    -- the row's own value; the sector-by-origin table takes its row values
    -- from the sexual-exploitation sector table
    select distinct
        parts.group_id,
        cells.cell_id,
        'b' as side
    from row_parts as parts
    inner join cells
        on
            parts.year = cells.year
            and parts.category = cells.category
            and cells.cross_category = 'all'
            and cells.table_id = case parts.table_id
                when 'comensha__sexual_exploitation_sectors_by_origin'
                    then 'comensha__sexual_exploitation_sectors'
                else parts.table_id
            end
    where parts.table_id <> 'emm__police_suspects_by_gender_age'

),

partition_rules as (

    -- (group, side, table, condition on the cell) for the partitions
    select * from (
        values
        ('labour_sectors', 'a', 'comensha__labour_exploitation_sectors', 'any'),
        ('labour_sectors', 'b', 'comensha__victims_by_form', 'labour'),
        (
            'criminal_by_age',
            'a',
            'comensha__criminal_exploitation_by_age',
            'any'
        ),
        ('criminal_by_age', 'b', 'comensha__victims_by_form', 'criminal'),
        ('victims_origin_vs_age', 'a', 'comensha__victims_by_origin', 'any'),
        ('victims_origin_vs_age', 'b', 'comensha__victims_by_age_group', 'any'),
        ('police_suspects', 'a', 'emm__police_suspects_by_gender_age', 'any'),
        ('police_suspects', 'b', 'nrm__key_figures', 'police_suspects'),
        ('court_decisions_vs_forms', 'a', 'wodc__court_decisions', 'any'),
        ('court_decisions_vs_forms', 'b', 'wodc__court_cases_by_form', 'any')
    ) as partition_rule (  -- noqa: AL05
        rule_id, side, table_id, category_condition
    )

),

partition_members as (

    select
        'partition|' || rules.rule_id || '|' || cells.year as group_id,
        cells.cell_id,
        rules.side
    from partition_rules as rules
    inner join cells
        on
            rules.table_id = cells.table_id
            and cells.cross_category = 'all'
            and (
                rules.category_condition = 'any'
                or rules.category_condition = cells.category
                or rules.category_condition = cells.population
            )

),

court_form_columns as (

    -- per form (2022): the decisions = the court-decided cases of the form
    select
        'column|court_decisions|' || year || '|' || cross_category as group_id,
        cell_id,
        'a' as side
    from cells
    where table_id = 'wodc__court_decisions' and cross_category <> 'all'
    union all
    select
        'column|court_decisions|' || year || '|' || category as group_id,
        cell_id,
        'b' as side
    from cells
    where table_id = 'wodc__court_cases_by_form'

),

sector_origin_columns as (

    -- per known origin region (2022): the sexual-exploitation sectors = the
    -- region's SU cell of the origin table (unknown origin breaks this
    -- identity in the report, see the staging tests)
    select
        'column|sexual_sectors_by_origin|' || year || '|' || cross_category
            as group_id,
        cell_id,
        'a' as side
    from cells
    where
        table_id = 'comensha__sexual_exploitation_sectors_by_origin'
        and cross_category <> 'unknown'
    union all
    select
        'column|sexual_sectors_by_origin|' || year || '|' || category
            as group_id,
        cell_id,
        'b' as side
    from cells
    where
        table_id = 'comensha__victims_by_origin'
        and cross_category = 'sexual'
        and category <> 'unknown'

),

same_cells as (

    -- the same population printed in two tables: the regions' 2022 values
    -- and the top-10 nationalities' totals (Nederland, Onbekend)
    select
        'pair|origin_vs_nationality|' || year || '|' || category as group_id,
        cell_id,
        case table_id
            when 'comensha__victims_by_origin' then 'a' else 'b'
        end as side
    from cells
    where
        table_id in (
            'comensha__victims_by_origin', 'comensha__top_nationalities_by_form'
        )
        and category in ('netherlands', 'unknown')
        and cross_category = 'all'
        and year = edition

),

all_members as (

    select
        group_id,
        cell_id,
        side
    from row_parts
    where table_id <> 'emm__police_suspects_by_gender_age'
    union all
    select
        group_id,
        cell_id,
        side
    from row_totals
    union all
    select
        group_id,
        cell_id,
        side
    from partition_members
    union all
    select
        group_id,
        cell_id,
        side
    from court_form_columns
    union all
    select
        group_id,
        cell_id,
        side
    from sector_origin_columns
    union all
    select
        group_id,
        cell_id,
        side
    from same_cells

),

complete_groups as (

    -- a group needs both sides to be an identity
    select group_id
    from all_members
    group by group_id
    having count(distinct side) = 2

)

select
    all_members.group_id,
    all_members.cell_id,
    all_members.side
from all_members
inner join complete_groups
    on all_members.group_id = complete_groups.group_id
