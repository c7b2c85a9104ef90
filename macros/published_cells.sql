{#-
    One select that brings a staged report table into the shape of
    int_published_cells: one row per published cell, with the table's
    category (and, for the splits, its cross category) under generic names
    and their labels as printed. What the table counts (population, unit,
    breakdowns, code lists) comes from the seed nrm__report_tables, joined
    in int_published_cells. Used once per table by int_published_cells.
-#}
{% macro published_cells(model_name, category, cross_category=none) -%}
    select
        '{{ model_name[4:] }}' as table_id,
        edition,
        year,
        {{ category }} as category,
        {{ category }}_printed_label as category_printed_label,
        {%- if cross_category %}
        {{ cross_category }} as cross_category,
        {{ cross_category }}_printed_label as cross_category_printed_label,
        {%- else %}
        'all' as cross_category,
        null as cross_category_printed_label,
        {%- endif %}
        published_value,
        count_low,
        count_high,
        is_suppressed,
        is_uncertain
    from {{ ref(model_name) }}
{%- endmacro %}
