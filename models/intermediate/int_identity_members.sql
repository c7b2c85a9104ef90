-- The identity catalogue (nrm__identities, nrm__identity_terms) applied to
-- the published cells: every instance of every identity with the cells on
-- each side. An instance is one identity in one edition, one year and, for
-- identities over rows or columns, one key (a region, a sector, a form).
-- Only complete instances are kept: both sides have at least one cell.
-- Grain: one row per instance and member cell.

with

cells as (

    select * from {{ ref('int_published_cells') }}

),

terms as (

    select * from {{ ref('stg_nrm__identity_terms') }}

),

matched as (

    select
        terms.identity_id,
        terms.side,
        cells.edition,
        cells.year + terms.year_offset as instance_year,
        case terms.instance_key
            when 'category' then cells.category
            when 'cross_category' then cells.cross_category
            else 'all'
        end as instance_key,
        cells.cell_id
    from terms
    inner join cells
        on
            terms.table_id = cells.table_id
            and {{ code_list_matches('cells.category', 'terms.category_spec') }}
            and {{ code_list_matches(
                'cells.cross_category', 'terms.cross_category_spec') }}

),

instances as (

    select
        *,
        identity_id || '|' || edition || '|' || instance_year || '|'
        || instance_key as instance_id
    from matched

),

complete as (

    select instance_id
    from instances
    group by instance_id
    having count(distinct side) = 2

)

select
    instances.instance_id,
    instances.identity_id,
    instances.edition,
    instances.instance_year as year,
    instances.instance_key,
    instances.side,
    instances.cell_id
from instances
inner join complete on instances.instance_id = complete.instance_id
