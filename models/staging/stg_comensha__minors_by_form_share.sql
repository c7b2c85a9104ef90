with

source as (

    select * from {{ ref('comensha__minors_by_form_share') }}

),

renamed as (

    select
        -- keys
        cast(edition as integer) as edition,
        cast(year as integer) as year,
        cast(form as varchar) as form,

        -- labels as printed
        cast(form_label as varchar) as form_printed_label,

        -- the published share
        cast(published_percentage as varchar) as published_percentage,
        cast(rtrim(published_percentage, '%') as integer) as share_percent,

        -- reconstruction of the garbled extraction
        cast(is_uncertain as boolean) as is_uncertain,
        cast(note as varchar) as reconstruction_note

    from source

)

select * from renamed
