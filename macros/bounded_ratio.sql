{#-
    A ratio of two counts known as bounds: the lowest numerator over the
    highest denominator, and the highest numerator over the lowest
    denominator. Null when a bound is missing or the denominator can be 0.
    Renders two columns, <name>_low and <name>_high.
-#}
{% macro bounded_ratio(num_low, num_high, den_low, den_high, name) -%}
    case
        when {{ den_high }} > 0 then {{ num_low }} / {{ den_high }}
    end as {{ name }}_low,
    case
        when {{ den_low }} > 0 then {{ num_high }} / {{ den_low }}
    end as {{ name }}_high
{%- endmacro %}
