{#-
    The one place that turns a published cell into bounds.
    A cell printed as `<5` is a suppressed count: 0 to 4. Any other cell is
    an exact whole number, so its low and high bound are equal.
-#}
{% macro published_count_bounds(column_name) -%}
    case
        when {{ column_name }} = '<5' then 0
        else cast({{ column_name }} as integer)
    end as count_low,
    case
        when {{ column_name }} = '<5' then 4
        else cast({{ column_name }} as integer)
    end as count_high,
    coalesce({{ column_name }} = '<5', false) as is_suppressed
{%- endmacro %}
