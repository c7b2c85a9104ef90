{#-
    A text expression that sorts by its bytes (code points), as DuckDB sorts
    text and Python sorts strings, whatever the collation of the database:
    for every `order by` whose result shows in a mart or a message, so that
    both engines give the same text. PostgreSQL sorts by the database's
    collation (en-US puts `raam` before `Raamprostitutie`; C after).
-#}
{% macro in_byte_order(expression) -%}
    {{ return(adapter.dispatch('in_byte_order')(expression)) }}
{%- endmacro %}

{% macro default__in_byte_order(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro postgres__in_byte_order(expression) -%}
    ({{ expression }}) collate "C"
{%- endmacro %}
