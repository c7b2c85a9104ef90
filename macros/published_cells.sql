{#-
    One select that brings a staged report table into the shape of
    int_published_cells: one row per published cell, with the table's
    category (and, for the 2022 splits, its cross category) under generic
    names. Used once per table by int_published_cells.
-#}
{% macro published_cells(
    model_name,
    population,
    unit,
    breakdown,
    category,
    cross_breakdown=none,
    cross_category=none
) -%}
    select
        '{{ model_name[4:] }}' as table_id,
        edition,
        year,
        '{{ population }}' as population,
        '{{ unit }}' as unit,
        '{{ breakdown }}' as breakdown,
        {{ category }} as category,
        {{ category }}_label_nl as category_label_nl,
        {%- if cross_breakdown %}
        '{{ cross_breakdown }}' as cross_breakdown,
        {{ cross_category }} as cross_category,
        {{ cross_category }}_label_nl as cross_category_label_nl,
        {%- else %}
        'none' as cross_breakdown,
        'all' as cross_category,
        null as cross_category_label_nl,
        {%- endif %}
        published_value,
        count_low,
        count_high,
        is_suppressed,
        is_uncertain
    from {{ ref(model_name) }}
{%- endmacro %}
