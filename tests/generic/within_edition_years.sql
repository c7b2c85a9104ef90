{#-
    The reference year of a cell lies within its edition: an edition
    publishes the year it is named for and the years_per_edition - 1 years
    before it (edition 2022: 2018-2022).
-#}
{% test within_edition_years(model, column_name) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') has '
        || '{{ column_name }} ' || coalesce(cast({{ column_name }} as varchar), 'null')
        || ' outside edition ' || edition || ' (' || (edition - {{ var('years_per_edition') }} + 1)
        || '-' || edition || ')' as failure_message
    from {{ model }}
    where {{ column_name }} is not null
        and {{ column_name }} not between edition - {{ var('years_per_edition') }} + 1 and edition
{% endcall %}
{% endtest %}
