-- Asserts: each table cell that the prose states as a figure contains it
-- (bounds overlap): minors, women, men, Asian and Latin-American victims,
-- Ukrainian victims and their labour cases, Dutch victims in the top 10.
{% call fail_with_message() %}
    with cells as (
        select
            edition, year, 'minor_victims' as figure_id,
            'age group minor' as cell, count_low, count_high
        from {{ ref('stg_comensha__victims_by_age_group') }}
        where age_group = 'minor' and form = 'all'
        union all
        select
            edition, year, gender || '_victims', 'gender ' || gender,
            count_low, count_high
        from {{ ref('stg_comensha__victims_by_gender') }}
        where form = 'all'
        union all
        select
            edition, year,
            case origin_region
                when 'asia' then 'asian_victims'
                when 'latin_america_caribbean' then 'latin_american_victims'
            end,
            'origin ' || origin_region, count_low, count_high
        from {{ ref('stg_comensha__victims_by_origin') }}
        where form = 'all'
        union all
        select
            edition, year,
            case form
                when 'all' then 'ukrainian_victims'
                when 'labour' then 'ukrainian_victims_labour'
            end,
            'top 10 ukraine ' || form, count_low, count_high
        from {{ ref('stg_comensha__top_nationalities_by_form') }}
        where nationality = 'ukraine'
        union all
        select
            edition, year,
            'victims_reported_by_royal_military_police',
            'reporting organisation KMar', count_low, count_high
        from {{ ref('stg_comensha__victims_by_reporting_organisation') }}
        where reporting_organisation = 'royal_military_police' and form = 'all'
        union all
        select
            edition, year, 'nigerian_victims_criminal', 'top 10 nigeria criminal',
            count_low, count_high
        from {{ ref('stg_comensha__top_nationalities_by_form') }}
        where nationality = 'nigeria' and form = 'criminal'
    ),

    prose as (
        select edition, year, figure_id, value
        from {{ ref('stg_nrm__key_figures') }}
        where value is not null
    )

    select
        'edition ' || cells.edition || ', year ' || cells.year || ', '
        || cells.cell || ': table says ' || cells.count_low || '..'
        || cells.count_high || ', prose figure ' || prose.figure_id || ' says '
        || prose.value as failure_message
    from cells
    inner join prose using (edition, year, figure_id)
    where prose.value not between cells.count_low and cells.count_high
{% endcall %}
