with

source as (

    select * from {{ ref('nrm__report_tables') }}

),

renamed as (

    select
        -- keys
        cast(edition as integer) as edition,
        cast(table_id as varchar) as table_id,

        -- strings
        cast(title_nl as varchar) as title_nl,
        cast(source_organisation as varchar) as source_organisation,
        cast(source_label as varchar) as source_label_nl,
        cast(unit as varchar) as unit,
        cast(universe as varchar) as universe,

        -- what the table counts and how it breaks it down
        cast(population as varchar) as population,
        cast(breakdown as varchar) as breakdown,
        cast(category_concept as varchar) as category_concept,
        cast(cross_breakdown as varchar) as cross_breakdown,
        cast(cross_category_concept as varchar) as cross_category_concept,
        cast(source_lines as varchar) as source_lines,

        -- booleans
        cast(counts_each_person_once as boolean) as counts_each_person_once,
        cast(is_in_text as boolean) as is_in_text

    from source

)

select * from renamed
