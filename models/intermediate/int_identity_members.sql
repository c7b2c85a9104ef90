-- The identity catalogue (nrm__identities, nrm__identity_terms) applied to
-- the published cells: every instance of every identity with the cells on
-- each side. An instance is one identity in one edition, one year and, for
-- identities over rows or columns, one key (a region, a sector, a form).
-- Only complete instances are kept: both sides have at least one cell (and
-- a rounded share its printed percentage).
-- Grain: one row per instance, side and member cell.

with

cells as (

    select * from {{ ref('int_published_cells') }}

),

terms as (

    select * from {{ ref('stg_nrm__identity_terms') }}

),

identities as (

    select * from {{ ref('stg_nrm__identities') }}

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

    -- parts and a total, and for a rounded share its printed percentage
    select instances.instance_id
    from instances
    inner join identities on instances.identity_id = identities.identity_id
    group by instances.instance_id
    having
        bool_or(instances.side = 'parts')
        and bool_or(instances.side = 'total')
        and (
            bool_or(instances.side = 'percent')
            or {{ dbt.any_value('identities.relation') }} <> 'share_rounds_to'
        )

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
