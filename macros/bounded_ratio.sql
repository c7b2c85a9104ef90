{#-
    A ratio of two counts known as bounds: the lowest numerator over the
    highest denominator, and the highest numerator over the lowest
    denominator, in floating point on every engine (PostgreSQL divides
    whole numbers without a remainder). Null when a bound is missing or the
    denominator can be 0.
    Renders two columns, <name>_low and <name>_high.
-#}
{% macro bounded_ratio(num_low, num_high, den_low, den_high, name) -%}
    case
        when {{ den_high }} > 0 then cast({{ num_low }} as double precision) / {{ den_high }}
    end as {{ name }}_low,
    case
        when {{ den_low }} > 0 then cast({{ num_high }} as double precision) / {{ den_low }}
    end as {{ name }}_high
{%- endmacro %}
