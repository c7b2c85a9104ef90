{#-
    Every cell of the column is filled in: a seed extended for a new
    edition by scripts/new_edition.py has empty cells until they are
    transcribed. Fails with one message for the whole seed: how many cells
    are still empty, and the keys of the first five.
-#}
{% test filled_in(model, column_name) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: ' || count(*) || ' cell(s) of {{ column_name }} not '
        || 'filled in yet, first: '
        || string_agg(label, '; ' order by {{ in_byte_order('label') }})
            filter (where rank <= 5)
            as failure_message
    from (
        select
            {{ row_label(key) }} as label,
            row_number() over (
                order by {{ in_byte_order(row_label(key)) }}
            ) as rank
        from {{ model }}
        where {{ column_name }} is null or trim(cast({{ column_name }} as varchar)) = ''
    ) as empty_cells
    having count(*) > 0
{% endcall %}
{% endtest %}
