-- Where several editions publish the same cell (table, reference year,
-- category, cross category), keep the one of the latest edition.
-- Grain: one row per table, year, category and cross category.

with

cells as (

    select * from {{ ref('int_published_cells') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by table_id, year, category, cross_category
            order by edition desc
        ) as edition_rank
    from cells

)

select * exclude (edition_rank)
from ranked
where edition_rank = 1
