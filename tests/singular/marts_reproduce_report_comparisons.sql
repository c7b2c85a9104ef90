-- Asserts: the marts reproduce the report's comparative statements:
-- 2022 has the lowest conviction rate of the five years ("het laagste
-- percentage veroordelingen van de afgelopen vijf jaar"), and half of the
-- 70 minor victims of 2022 are victims of domestic sexual exploitation.
{% call fail_with_message() %}
    with

    conviction_rates as (
        select year, rate_low, rate_high
        from {{ ref('prosecution') }}
        where
            measure = 'court_decisions'
            and category = 'conviction'
            and form = 'all'
    ),

    lowest as (
        select
            '2022 is not the lowest conviction rate: ' || other.year
            || ' can be as low as '
            || cast(round(cast(other.rate_low as numeric(12, 6)), 3) as varchar)
            as failure_message
        from conviction_rates as y2022
        inner join conviction_rates as other
            on
                other.year < y2022.year
                -- "the last five years": the years of the 2022 edition
                and other.year > y2022.year - {{ var('years_per_edition') }}
        where y2022.year = 2022 and other.rate_low <= y2022.rate_high
    ),

    minors as (
        select
            sum(count_low) filter (where cross_category = 'domestic_sexual')
                as domestic_low,
            sum(count_high) filter (where cross_category = 'domestic_sexual')
                as domestic_high,
            sum(count_low) filter (where cross_category = 'all') as minors
        from {{ ref('demographics') }}
        where
            year = 2022 and breakdown = 'age_group' and category = 'minor'
    ),

    half as (
        select
            'domestic sexual exploitation among the ' || minors
            || ' minors of 2022 is ' || domestic_low || '..' || domestic_high
            || ', not half' as failure_message
        from minors
        where minors <> 70 or 0.5 * minors not between domestic_low and domestic_high
    )

    select * from lowest
    union all
    select * from half
{% endcall %}
