{#-
    Within a table and edition, a code carries one printed label: the
    `<code>_label` column of every row of the code says the same. A label
    changed in one row (a spreadsheet's autocorrect, a typo) fails, naming
    the code and its labels.
-#}
{% test one_label_per_code(model, column_name) %}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: edition ' || edition || ', {{ column_name }} '
        || {{ column_name }} || ' is printed as '
        || string_agg(
            {{ column_name }}_label, ' / '
            order by {{ in_byte_order(column_name ~ '_label') }}
        )
        || ': one code, one label' as failure_message
    from (
        select distinct
            edition,
            {{ column_name }},
            {{ column_name }}_label
        from {{ model }}
    ) as labels
    group by edition, {{ column_name }}
    having count({{ column_name }}_label) > 1
{% endcall %}
{% endtest %}
