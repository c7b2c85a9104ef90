-- Asserts: the court decisions of 2021 add up to the prose's 2022 total plus
-- "4 afgedane zaken minder dan in 2021" (109 + 4 = 113), and so do the
-- court-decided cases by form.
{% call fail_with_message() %}
    with prose as (
        select
            edition,
            sum(value) filter (where figure_id = 'court_decided_cases')
            + sum(value) filter (
                where figure_id = 'court_decided_cases_decrease_from_previous_year'
            ) as total
        from {{ ref('stg_nrm__key_figures') }}
        where year = edition
        group by edition
    ),

    parts as (
        select
            'court decisions' as source_table,
            edition,
            sum(count_low) as parts_low,
            sum(count_high) as parts_high
        from {{ ref('stg_wodc__court_decisions') }}
        where year = edition - 1 and form = 'all'
        group by edition

        union all

        select
            'court-decided cases by form' as source_table,
            edition,
            sum(count_low) as parts_low,
            sum(count_high) as parts_high
        from {{ ref('stg_wodc__court_cases_by_form') }}
        where year = edition - 1
        group by edition
    )

    select
        source_table || ' of the year before edition ' || edition
        || ' add up to ' || parts_low || '..' || parts_high
        || ', the prose implies ' || total as failure_message
    from parts
    inner join prose using (edition)
    where total not between parts_low and parts_high
{% endcall %}
