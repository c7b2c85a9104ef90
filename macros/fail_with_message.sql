{#-
    Wraps the body of the project's generic tests (`{% call fail_with_message() %}`):
    the body selects one row per failure with a column `failure_message`. At error severity the test
    raises DuckDB's error() with the messages of all failures, so that
    `dbt build` prints which seed or model, which row and which problem; at
    warn severity it returns the rows, which dbt counts as a warning.
-#}
{% macro fail_with_message() -%}
    {%- set severity = config.get('severity', 'error') | lower -%}
    with failures as (
        {{ caller() }}
    ),

    numbered as (
        select
            *,
            count(*) over () as n_failures,
            row_number() over (order by failure_message) as failure_number
        from failures
    )

    select * exclude (n_failures, failure_number)
    from numbered
    {%- if severity == 'error' %}
    where
        failure_number = 1
        and error(
            n_failures || ' failure(s). ' || (
                select string_agg(failure_message, ' | ' order by failure_message)
                from numbered
            )
        ) is null
    {%- endif %}
{%- endmacro %}

{#- A readable label for a row: `col=value, ...` over the given columns. -#}
{% macro row_label(columns) -%}
    {%- for c in columns -%}
        '{{ c }}=' || coalesce(cast({{ c }} as varchar), 'null')
        {%- if not loop.last %} || ', ' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}

{#-
    The columns that name a row of `relation` in a failure message: every
    column but the free-text ones (notes, sentences, printed labels). Read
    from the YAML of the seed or model (the graph), not from the database:
    no query per test. `columns_match_yaml` and the contracts keep the YAML
    and the relation's columns equal.
-#}
{% macro key_columns_of(relation) -%}
    {%- set keep = [] -%}
    {%- if execute -%}
        {%- set node = graph_node_of(relation) -%}
        {%- for name in node.columns.keys() -%}
            {%- set n = name | lower -%}
            {%- if n not in ['note', 'sentence', 'reconstruction_note', 'published_value', 'published_percentage', 'value', 'title_nl', 'universe', 'source_label', 'description', 'finding', 'reason', 'source_lines']
                and not n.endswith('_label') and not n.startswith('label_')
                and not n.startswith('count_') and not n.startswith('is_') -%}
                {%- do keep.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(keep) }}
{%- endmacro %}

{#-
    The graph node (seed or model of this project) that `relation` was
    built from: a dictionary lookup by unique id, not a scan of the graph.
-#}
{% macro graph_node_of(relation) -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ relation.identifier)
        or graph.nodes.get('seed.' ~ project_name ~ '.' ~ relation.identifier) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error('no seed or model named ' ~ relation.identifier) }}
    {%- endif -%}
    {{ return(node) }}
{%- endmacro %}
