with

source as (

    select * from {{ ref('nrm__codes') }}

),

renamed as (

    select
        -- keys
        cast(concept as varchar) as concept,
        cast(code as varchar) as code,

        -- labels
        cast(label_nl as varchar) as label_nl,
        cast(label_en as varchar) as label_en,
        cast(description as varchar) as description

    from source

)

select * from renamed
