with

source as (

    select * from {{ ref('nrm__funnel_stages') }}

),

renamed as (

    select
        -- keys
        cast(stage_number as integer) as stage_number,
        cast(stage as varchar) as stage,

        -- labels
        cast(stage_label_nl as varchar) as stage_label_nl,
        cast(stage_label_en as varchar) as stage_label_en,
        cast(unit as varchar) as unit,
        cast(source_organisation as varchar) as source_organisation,

        -- where the stage's count comes from: a population's yearly total,
        -- one table cell per year, or an undated figure of the prose
        cast(population as varchar) as population,
        cast(table_id as varchar) as table_id,
        cast(category as varchar) as category,
        cast(figure_id as varchar) as figure_id,
        cast(reason as varchar) as reason

    from source

)

select * from renamed
