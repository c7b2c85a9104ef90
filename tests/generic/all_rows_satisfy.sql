{#-
    Every row satisfies `condition` (a SQL boolean over the row's columns);
    `rule` says in words what must hold, for the failure message.
-#}
{% test all_rows_satisfy(model, condition, rule, column_name=none) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') breaks the rule: '
        || '{{ rule }}' as failure_message
    from {{ model }}
    where not coalesce(({{ condition }}), false)
{% endcall %}
{% endtest %}
