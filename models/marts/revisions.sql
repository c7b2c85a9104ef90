-- What each edition revised: every cell that more than one edition
-- publishes (a table cell or a figure of the prose, for the same reference
-- year, category and cross category), one row per edition after the first
-- that publishes it, with its printed value, the value the edition before
-- printed, and the change as bounds (a `<5` on either side makes it a
-- range). The other marts show the latest edition; this one shows what
-- changed. Grain: one row per cell and republishing edition.

with

cells as (

    select * from {{ ref('int_published_cells') }}

),

with_previous as (

    select
        *,
        lag(edition) over by_cell as previous_edition,
        lag(published_value) over by_cell as previous_published_value,
        lag(count_low) over by_cell as previous_low,
        lag(count_high) over by_cell as previous_high
    from cells
    window by_cell as (
        partition by table_id, year, category, cross_category
        order by edition
    )

),

final as (

    select
        -- keys
        cell_id,
        table_id,
        year,
        category,
        cross_category,
        edition,
        previous_edition,

        -- labels
        population,
        unit,
        breakdown,
        category_label_en,
        cross_category_label_en,

        -- the two printed values and the change as bounds
        published_value,
        previous_published_value,
        count_low,
        count_high,
        previous_low,
        previous_high,
        count_low - previous_high as change_low,
        count_high - previous_low as change_high,

        -- verdict
        published_value <> previous_published_value as is_revised

    from with_previous
    where previous_edition is not null

)

select * from final
