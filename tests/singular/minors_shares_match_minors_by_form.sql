-- Asserts: each printed share of the minors pie (2022) is within one
-- percentage point of some count of the age table's minors in that form
-- (within its bounds) divided by the 70 minors; the pie's combined
-- "onbekend of organen" slice is compared with the age table's unknown form.
{% call fail_with_message() %}
    with minors as (
        select
            edition,
            year,
            case form
                when 'unknown' then 'unknown_or_organ_removal' else form
            end as form,
            count_low,
            count_high,
            sum(count_low) over (partition by edition, year) as total_low,
            sum(count_high) over (partition by edition, year) as total_high
        from {{ ref('stg_comensha__victims_by_age_group') }}
        where age_group = 'minor' and form <> 'all'
    ),

    yearly as (
        select edition, year, count_low as minors
        from {{ ref('stg_comensha__victims_by_age_group') }}
        where age_group = 'minor' and form = 'all'
    )

    select
        'minors ' || shares.year || ', ' || shares.form || ': printed '
        || shares.published_percentage || ' does not fit ' || minors.count_low
        || '..' || minors.count_high || ' of ' || yearly.minors as failure_message
    from {{ ref('stg_comensha__minors_by_form_share') }} as shares
    inner join minors using (edition, year, form)
    inner join yearly using (edition, year)
    where 100.0 * minors.count_high / yearly.minors < shares.share_percent - 1
        or 100.0 * minors.count_low / yearly.minors > shares.share_percent + 1
{% endcall %}
