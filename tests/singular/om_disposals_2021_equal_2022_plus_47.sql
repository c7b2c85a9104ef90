-- Asserts: the OM disposals of 2021 (sepot + dagvaarding + overig) add up to
-- the prose's 2022 total plus "47 minder dan het jaar ervoor" (200 + 47 = 247).
{% call fail_with_message() %}
    with parts as (
        select
            edition,
            sum(count_low) as parts_low,
            sum(count_high) as parts_high
        from {{ ref('stg_wodc__prosecution_disposals') }}
        where year = edition - 1
        group by edition
    ),

    prose as (
        select
            edition,
            sum(value) filter (where figure_id = 'prosecution_disposals')
            + sum(value) filter (
                where figure_id = 'prosecution_disposals_decrease_from_previous_year'
            ) as total
        from {{ ref('stg_nrm__key_figures') }}
        where year = edition
        group by edition
    )

    select
        'OM disposals of the year before edition ' || edition || ' add up to '
        || parts_low || '..' || parts_high || ', the prose implies '
        || total as failure_message
    from parts
    inner join prose using (edition)
    where total not between parts_low and parts_high
{% endcall %}
