{#-
    The seed's CSV has exactly the columns its YAML declares: an extra or a
    missing column fails, naming the seed and the columns.
-#}
{% test columns_match_yaml(model) %}
{%- set problems = [] -%}
{%- if execute -%}
    {%- set node = graph_node_of(model) -%}
    {%- set expected = node.columns.keys() | map('lower') | list -%}
    {%- set actual = adapter.get_columns_in_relation(model)
        | map(attribute='name') | map('lower') | list -%}
    {%- for c in actual if c not in expected -%}
        {%- do problems.append('extra column ' ~ c) -%}
    {%- endfor -%}
    {%- for c in expected if c not in actual -%}
        {%- do problems.append('missing column ' ~ c) -%}
    {%- endfor -%}
{%- endif %}
{% call fail_with_message() %}
    select failure_message
    from (
        values
        ('{{ model.identifier }}: the CSV''s columns differ from the YAML''s: '
            || '{{ problems | join(", ") }}')
    ) as t (failure_message)
    where {{ 'true' if problems else 'false' }}
{% endcall %}
{% endtest %}
