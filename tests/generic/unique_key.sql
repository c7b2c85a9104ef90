{#-
    Grain: no two rows share the values of `columns`. A duplicated cell
    fails, naming the key and how often it occurs.
-#}
{% test unique_key(model, columns) %}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: key (' || {{ row_label(columns) }} || ') occurs '
        || count(*) || ' times; the grain is ({{ columns | join(", ") }})' as failure_message
    from {{ model }}
    group by {{ columns | join(", ") }}
    having count(*) > 1
{% endcall %}
{% endtest %}
