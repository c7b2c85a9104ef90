{#-
    Every published cell is a count as the report prints it: a whole number
    without sign, separators or decimals, or `<5` for a suppressed count.
    Any other spelling (`< 5`, `<=4`, `-3`, `12a`) fails, naming the row. An
    empty cell is left to the test filled_in (one message per seed).
-#}
{% test valid_published_count(model, column_name) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') has '
        || '{{ column_name }} = ''' || {{ column_name }}
        || ''', which is neither a whole number nor <5' as failure_message
    from {{ model }}
    where
        nullif(trim({{ column_name }}), '') is not null
        -- anchored: `~` is a full match in DuckDB, a search in PostgreSQL
        and not {{ column_name }} ~ '^(<5|0|[1-9][0-9]*)$'
{% endcall %}
{% endtest %}
