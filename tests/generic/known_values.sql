{#-
    A code list: `column_name` takes only the listed values. A misspelled or
    unknown category fails, naming the row and the value.
-#}
{% test known_values(model, column_name, values) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') has unknown '
        || '{{ column_name }} ''' || coalesce(cast({{ column_name }} as varchar), 'null')
        || '''; known: {{ values | join(", ") }}' as failure_message
    from {{ model }}
    where {{ column_name }} is null
        or cast({{ column_name }} as varchar) not in (
            {%- for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor -%}
        )
{% endcall %}
{% endtest %}
