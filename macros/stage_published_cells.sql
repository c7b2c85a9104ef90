{#-
    The staging select of a report-table seed: typing and renaming only.
    Every report-table seed has the same shape (edition, year, category codes
    with their printed labels, the published cell, is_uncertain, note), so
    one macro stages them all; each staging model names its seed and its
    category columns. The published cell becomes count bounds through
    published_count_bounds, the project's one suppression rule.
-#}
{% macro stage_published_cells(seed_name, categories, extra_columns=[]) -%}
with

source as (

    select * from {{ ref(seed_name) }}

),

renamed as (

    select
        -- keys
        cast(edition as integer) as edition,
        cast(year as integer) as year,
        {%- for c in categories %}
        cast({{ c }} as varchar) as {{ c }},
        {%- endfor %}
        {%- for c in extra_columns %}
        {{ c }},
        {%- endfor %}

        -- labels as printed
        {%- for c in categories %}
        cast({{ c }}_label as varchar) as {{ c }}_printed_label,
        {%- endfor %}

        -- the published cell and its bounds
        cast(published_value as varchar) as published_value,
        {{ published_count_bounds('published_value') }},

        -- reconstruction of the garbled extraction
        cast(is_uncertain as boolean) as is_uncertain,
        cast(note as varchar) as reconstruction_note

    from source

)

select * from renamed
{%- endmacro %}
