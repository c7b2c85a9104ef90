with

source as (

    select * from {{ ref('nrm__key_figures') }}

),

renamed as (

    select
        -- keys
        cast(edition as integer) as edition,
        cast(figure_id as varchar) as figure_id,
        cast(year as integer) as year,

        -- the figure
        cast(published_value as varchar) as published_value,
        cast(value as double precision) as value,
        cast(unit as varchar) as unit,
        -- the prose writes a suppressed count as `<5` or `minder dan 5`
        coalesce(published_value in ('<5', 'minder dan 5'), false)
            as is_suppressed,

        -- where it comes from
        cast(source_document as varchar) as source_document,
        cast(sentence as varchar) as sentence_nl

    from source

)

select * from renamed
