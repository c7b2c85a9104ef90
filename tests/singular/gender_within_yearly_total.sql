-- Asserts: male + female victims of a year never exceed the year's reported
-- victims (the age groups of that year); the gap is victims of unknown gender.
{% call fail_with_message() %}
    with gender as (
        select
            edition,
            year,
            sum(count_low) as gender_low
        from {{ ref('stg_comensha__victims_by_gender') }}
        where form = 'all'
        group by edition, year
    ),

    yearly as (
        select
            edition,
            year,
            sum(count_high) as total_high
        from {{ ref('stg_comensha__victims_by_age_group') }}
        where form = 'all'
        group by edition, year
    )

    select
        'edition ' || edition || ', year ' || year || ': male + female victims ('
        || gender_low || ') exceed the year''s victims (at most ' || total_high
        || ')' as failure_message
    from gender
    inner join yearly using (edition, year)
    where gender_low > total_high
{% endcall %}
