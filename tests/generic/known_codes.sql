{#-
    A code list: `column_name` takes only the codes of `concept` in the seed
    nrm__codes, the one place where the report's code lists live. A
    misspelled or unknown category fails, naming the row and the value.
-#}
{% test known_codes(model, column_name, concept) %}
{%- set key = key_columns_of(model) -%}
{% call fail_with_message() %}
    select
        '{{ model.identifier }}: row (' || {{ row_label(key) }} || ') has '
        || '{{ column_name }} ''' || coalesce(cast({{ column_name }} as varchar), 'null')
        || ''', not a code of {{ concept }} in nrm__codes' as failure_message
    from {{ model }}
    where
        {{ column_name }} is null
        or cast({{ column_name }} as varchar) not in (
            select code from {{ ref('nrm__codes') }}
            where concept = '{{ concept }}'
        )
{% endcall %}
{% endtest %}
