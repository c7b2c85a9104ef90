-- Asserts: the marts reproduce the report's own statements: each count of
-- the prose (814 victims, 500 women, 309 men, 70 minors, 51 Ukrainians,
-- 255 suspects, 165 investigations, 200 disposals, 109 court decisions,
-- ...) is in the marts exactly (count_low = count_high = the figure; the
-- one exception is a cell the tables print as <5, which the marts show as
-- 0..4 even where the prose gives it: none in 2021's domestic work), and
-- each percentage of the prose is the marts' rate or share rounded to a
-- whole percent for some value in its bounds. Every figure listed in
-- `expected` must be matched: a renamed category or stage in a mart fails.
-- Figures the marts cannot reproduce are listed in the marts'
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

    union all

    select
        'prose figure ' || expected.figure_id || ' (' || expected.year
        || ') is not found in the marts' as failure_message
    from (
        values
        ('reported_victims', 2022), ('police_suspects', 2022),
        ('police_suspects', 2021), ('police_investigations', 2022),
        ('police_investigations', 2021), ('registered_prosecution_cases', 2022),
        ('registered_prosecution_cases', 2021), ('prosecution_disposals', 2022),
        ('court_decided_cases', 2022), ('female_victims', 2022),
        ('male_victims', 2022), ('minor_victims', 2022), ('asian_victims', 2022),
        ('latin_american_victims', 2022), ('ukrainian_victims', 2022),
        ('victims_reported_by_royal_military_police', 2022),
        ('victims_reported_by_royal_military_police', 2018),
        ('ukrainian_victims_labour', 2022), ('nigerian_victims_criminal', 2022),
        ('african_victims_home_prostitution', 2022),
        ('domestic_work_labour_victims', 2022),
        ('domestic_work_labour_victims', 2021), ('summons_rate', 2022),
        ('dismissal_rate', 2022), ('dismissal_rate', 2021),
        ('conviction_rate', 2022), ('share_sexual_among_african_victims', 2022),
        ('share_labour_among_asian_victims', 2022),
        ('share_international_sexual_among_asian_victims', 2022)
    ) as expected (figure_id, year)  -- noqa: AL05
    where not exists (
        select 1
        from prose
        inner join checks using (figure_id, year)
        where
            prose.figure_id = expected.figure_id
            and prose.year = expected.year
    )
{% endcall %}
