{#-
    An identity of the report: per group, the parts add up to the total.
    Both sides are intervals, because a suppressed cell (<5) is any count
    from 0 to 4: the parts add up to [sum of count_low, sum of count_high],
    the total is [count_low, count_high] of the total row(s). The identity
    holds when the two intervals overlap, so a test never fails because of
    suppression, and fails as soon as no value of the suppressed cells can
    make the parts equal the total.

    Arguments:
      group_by     columns that identify a group, on both sides
      parts_where  which rows of the model are the parts
      total_model  where the totals are (default: the model itself)
      total_where  which rows of total_model are the totals
      total_low, total_high  the total's bound columns (count_low/count_high)
      identity     the identity in words, for the failure message
      require_total  when true (default), a group with parts but no total
                     fails; when false, only groups with a total are checked
                     (a prose total published for some years only)
-#}
{% test parts_sum_to_total(
    model,
    group_by,
    parts_where,
    total_where,
    identity,
    total_model=none,
    total_low='count_low',
    total_high='count_high',
    require_total=true
) %}
{%- set total_relation = total_model if total_model is not none else model -%}
{%- set keys = group_by | join(', ') -%}
{% call fail_with_message() %}
    with parts as (
        select
            {{ keys }},
            sum(count_low) as parts_low,
            sum(count_high) as parts_high,
            count(*) as n_parts
        from {{ model }}
        where {{ parts_where }}
        group by {{ keys }}
    ),

    totals as (
        select
            {{ keys }},
            sum({{ total_low }}) as total_low,
            sum({{ total_high }}) as total_high
        from {{ total_relation }}
        where {{ total_where }}
        group by {{ keys }}
    )

    select
        '{{ identity }} -- {{ model.identifier }}, key ('
        || {{ row_label(group_by) }} || '): the ' || parts.n_parts
        || ' parts add up to ' || parts.parts_low || '..' || parts.parts_high
        || coalesce(', but the total is ' || totals.total_low || '..' || totals.total_high,
            ', but there is no total')
        as failure_message
    from parts
    left join totals using ({{ keys }})
    where
        {%- if require_total %} totals.total_low is null or{% else %} totals.total_low is not null and ({% endif %}
        parts.parts_high < totals.total_low
        or parts.parts_low > totals.total_high
        {%- if not require_total %}){% endif %}
{% endcall %}
{% endtest %}
