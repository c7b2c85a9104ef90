{#-
    Whether a category `value` matches a code list as the identity
    catalogue writes it (`spec`): `*` for every code but `all`, one code or
    several separated by spaces, or `!` before a list for every code but
    `all` and those. Plain SQL that DuckDB and PostgreSQL read alike: a code
    is in a list when ' code ' occurs in ' list ' (codes hold no spaces).
-#}
{% macro code_list_matches(value, spec) -%}
    case
        when {{ spec }} = '*' then {{ value }} <> 'all'
        when left({{ spec }}, 1) = '!'
            then
                {{ value }} <> 'all'
                and position(
                    ' ' || {{ value }} || ' ' in ' ' || substr({{ spec }}, 2) || ' '
                ) = 0
        else position(' ' || {{ value }} || ' ' in ' ' || {{ spec }} || ' ') > 0
    end
{%- endmacro %}
