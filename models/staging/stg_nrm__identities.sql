with

source as (

    select * from {{ ref('nrm__identities') }}

),

renamed as (

    select
        -- keys
        cast(identity_id as varchar) as identity_id,

        -- strings
        cast(relation as varchar) as relation,
        cast(description as varchar) as description,
        cast(finding as varchar) as finding,

        -- booleans
        cast(is_kept_by_report as boolean) as is_kept_by_report

    from source

)

select * from renamed
