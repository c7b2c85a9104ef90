with

source as (

    select * from {{ ref('nrm__populations') }}

),

renamed as (

    select
        -- keys
        cast(population as varchar) as population,

        -- where the yearly total comes from
        cast(total_table_id as varchar) as total_table_id,
        cast(total_figure_id as varchar) as total_figure_id,
        cast(reason as varchar) as reason

    from source

)

select * from renamed
