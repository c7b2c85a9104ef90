-- Asserts: the marts reproduce the report's own statements: the counts of
-- the prose (814 victims, 500 women, 309 men, 70 minors, 51 Ukrainians,
-- 255 suspects, 165 investigations, 200 disposals, 109 court decisions,
-- ...) lie within the marts' bounds, and each percentage of the prose is
-- the marts' rate or share rounded to a whole percent for some value in
-- its bounds. Figures the marts cannot reproduce are listed in the marts'
-- documentation, with the reason. The marts show the latest edition, so
-- they are held to the latest edition's statements: an earlier edition's
-- figure for a year that a later edition revised need not hold.
{% call fail_with_message() %}
    with

    prose as (
        select figure_id, year, value
        from {{ ref('stg_nrm__key_figures') }}
        where
            value is not null
            and edition = (
                select max(edition) from {{ ref('stg_nrm__key_figures') }}
            )
    ),

    funnel_counts as (
        select
            case stage
                when 'prosecution_disposals' then 'prosecution_disposals'
                when 'court_decisions' then 'court_decided_cases'
                else stage
            end as figure_id,
            year,
            count_low as low,
            count_high as high,
            false as is_percent
        from {{ ref('funnel') }}
        where stage in (
            'reported_victims', 'police_suspects', 'police_investigations',
            'registered_prosecution_cases', 'prosecution_disposals',
            'court_decisions'
        )
    ),

    demographic_counts as (
        select
            case
                when breakdown = 'gender' and population = 'reported_victims'
                    then category || '_victims'
                when breakdown = 'age_group' and category = 'minor'
                    then 'minor_victims'
                when breakdown = 'origin_region' and category = 'asia'
                    then 'asian_victims'
                when
                    breakdown = 'origin_region'
                    and category = 'latin_america_caribbean'
                    then 'latin_american_victims'
                when breakdown = 'nationality_top10' and category = 'ukraine'
                    then 'ukrainian_victims'
                when
                    breakdown = 'reporting_organisation'
                    and category = 'royal_military_police'
                    then 'victims_reported_by_royal_military_police'
            end as figure_id,
            year,
            count_low as low,
            count_high as high,
            false as is_percent
        from {{ ref('demographics') }}
        where cross_category = 'all'
        union all
        select
            case
                when category = 'ukraine' then 'ukrainian_victims_labour'
                when category = 'nigeria' then 'nigerian_victims_criminal'
            end,
            year,
            count_low,
            count_high,
            false
        from {{ ref('demographics') }}
        where
            breakdown = 'nationality_top10'
            and (
                (category = 'ukraine' and cross_category = 'labour')
                or (category = 'nigeria' and cross_category = 'criminal')
            )
        union all
        select
            'african_victims_home_prostitution',
            year,
            count_low,
            count_high,
            false
        from {{ ref('demographics') }}
        where
            breakdown = 'sexual_exploitation_sector'
            and category = 'home'
            and cross_category = 'africa'
        union all
        select
            'domestic_work_labour_victims',
            year,
            count_low,
            count_high,
            false
        from {{ ref('demographics') }}
        where
            breakdown = 'labour_exploitation_sector'
            and category = 'domestic_work'
    ),

    prosecution_rates as (
        select
            case category
                when 'summons' then 'summons_rate'
                when 'dismissal' then 'dismissal_rate'
                when 'conviction' then 'conviction_rate'
            end as figure_id,
            year,
            rate_low as low,
            rate_high as high,
            true as is_percent
        from {{ ref('prosecution') }}
        where form = 'all' and category in ('summons', 'dismissal', 'conviction')
    ),

    shares_within_rows as (
        -- shares the prose takes of a row, not of the year's total
        select
            case
                when d.category = 'africa' and d.cross_category = 'sexual'
                    then 'share_sexual_among_african_victims'
                when d.category = 'asia' and d.cross_category = 'labour'
                    then 'share_labour_among_asian_victims'
                when d.category = 'asia' and d.cross_category = 'sexual'
                    then 'share_international_sexual_among_asian_victims'
            end as figure_id,
            d.year,
            d.count_low / r.count_high as low,
            d.count_high / r.count_low as high,
            true as is_percent
        from {{ ref('demographics') }} as d
        inner join {{ ref('demographics') }} as r
            on
                d.year = r.year
                and d.breakdown = r.breakdown
                and d.category = r.category
                and r.cross_category = 'all'
        where d.breakdown = 'origin_region' and d.cross_category <> 'all'
    ),

    checks as (
        select * from funnel_counts
        union all
        select * from demographic_counts
        union all
        select * from prosecution_rates
        union all
        select * from shares_within_rows
    )

    select
        'prose figure ' || prose.figure_id || ' (' || prose.year || ') = '
        || prose.value || ', the marts give ' || checks.low || '..'
        || checks.high || case when checks.is_percent then ' (fraction)' else '' end
        as failure_message
    from prose
    inner join checks using (figure_id, year)
    where
        case
            when checks.is_percent
                then prose.value not between round(100 * checks.low)
                    and round(100 * checks.high)
            else prose.value not between checks.low and checks.high
        end
{% endcall %}
