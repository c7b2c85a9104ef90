{#-
    Wraps the body of the project's generic tests (`{% call fail_with_message() %}`):
    the body selects one row per failure with a column `failure_message`. At
    error severity the test raises an error with the messages of all
    failures (raise_error), so that `dbt build` prints which seed or model,
    which row and which problem; at warn severity it returns the rows, which
    dbt counts as a warning.
-#}
{% macro fail_with_message() -%}
    {%- set severity = config.get('severity', 'error') | lower -%}
    with failures as (
        {{ caller() }}
    )
    {%- if severity == 'error' %},

    summary as (
        select
            count(*) || ' failure(s). '
            || string_agg(
                failure_message, ' | '
                order by {{ in_byte_order('failure_message') }}
            )
                as message
        from failures
    )

    select failures.*
    from failures
    cross join summary
    where {{ raise_error('summary.message') }}
    {%- else %}

    select * from failures
    {%- endif %}
{%- endmacro %}

{#-
    A condition that stops the query with `message` (an SQL expression) as
    its error whenever a row reaches it. DuckDB has error(); PostgreSQL has
    no such function in plain SQL, so the message is cast to an integer,
    which fails with the message in the error ("invalid input syntax for
    type integer: ...").
-#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    error({{ message }}) is null
{%- endmacro %}

{% macro postgres__raise_error(message) -%}
    cast('dbt test failed: ' || {{ message }} as integer) is null
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
