with

source as (

    select * from {{ ref('nrm__identity_terms') }}

),

renamed as (

    select
        -- keys
        cast(identity_id as varchar) as identity_id,
        cast(side as varchar) as side,
        cast(table_id as varchar) as table_id,

        -- which cells of the table: a code list as written in the seed
        cast(category as varchar) as category_spec,
        cast(cross_category as varchar) as cross_category_spec,

        -- how a cell finds its instance of the identity
        cast(instance_key as varchar) as instance_key,
        cast(year_offset as integer) as year_offset

    from source

)

select * from renamed
