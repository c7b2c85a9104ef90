-- Where several editions publish the same cell (table, reference year,
-- category, cross category), keep the one of the latest edition.
-- Grain: one row per table, year, category and cross category.

with

cells as (

    select * from {{ ref('int_published_cells') }}

)

select cells.*
from cells
where not exists (
    select 1
    from cells as later
    where
        later.table_id = cells.table_id
        and later.year is not distinct from cells.year
        and later.category is not distinct from cells.category
        and later.cross_category is not distinct from cells.cross_category
        and later.edition > cells.edition
)
