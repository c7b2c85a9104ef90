{#-
    Every value of `column_name` is a value of `field` in `to`: a name
    that refers to another seed or model exists there. A misspelled name
    fails, naming the row and the value.
-#}
{% test relationships_to(model, column_name, to, field) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') refers to '
        || '{{ column_name }} ''' || coalesce(cast({{ column_name }} as varchar), 'null')
        || ''', which {{ to.identifier }}.{{ field }} does not have' as failure_message
    from {{ model }}
    where {{ column_name }} not in (select {{ field }} from {{ to }})
{% endcall %}
{% endtest %}
