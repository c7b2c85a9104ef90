{#-
    Whether a category `value` matches a code list as the identity
    catalogue writes it (`spec`): `*` for every code but `all`, one code or
    several separated by spaces, or `!` before a list for every code but
    `all` and those.
-#}
{% macro code_list_matches(value, spec) -%}
    case
        when {{ spec }} = '*' then {{ value }} <> 'all'
        when starts_with({{ spec }}, '!')
            then
                {{ value }} <> 'all'
                and not list_contains(
                    string_split(substr({{ spec }}, 2), ' '), {{ value }}
                )
        else list_contains(string_split({{ spec }}, ' '), {{ value }})
    end
{%- endmacro %}
