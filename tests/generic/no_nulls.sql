{#-
    None of `columns` is null, in one scan of the model (instead of one
    not_null test per column). A null fails, naming the row and the column.
-#}
{% test no_nulls(model, columns) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    {%- for c in columns %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') has no '
        || '{{ c }}' as failure_message
    from {{ model }}
    where {{ c }} is null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endcall %}
{% endtest %}
