-- One long table of every published cell of every report table, plus the
-- counts of the prose, under one set of column names.
-- Grain: one row per table, edition, year, category and cross category.

with

cells as (

    {{ published_cells(
        'stg_comensha__victims_by_form', 'reported_victims', 'persons',
        'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__sexual_exploitation_sectors', 'reported_victims',
        'persons', 'sexual_exploitation_sector', 'sector') }}
    union all
    {{ published_cells(
        'stg_comensha__sexual_exploitation_sectors_by_origin',
        'reported_victims', 'persons', 'sexual_exploitation_sector', 'sector',
        'origin_region', 'origin_region') }}
    union all
    {{ published_cells(
        'stg_comensha__labour_exploitation_sectors', 'reported_victims',
        'persons', 'labour_exploitation_sector', 'sector') }}
    union all
    {{ published_cells(
        'stg_comensha__criminal_exploitation_by_age', 'reported_victims',
        'persons', 'criminal_exploitation_age_group', 'age_group') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_origin', 'reported_victims', 'persons',
        'origin_region', 'origin_region', 'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__top_nationalities_by_form', 'reported_victims',
        'persons', 'nationality_top10', 'nationality',
        'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_gender', 'reported_victims', 'persons',
        'gender', 'gender', 'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_age_group', 'reported_victims', 'persons',
        'age_group', 'age_group', 'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_reporting_organisation', 'reported_victims',
        'persons', 'reporting_organisation', 'reporting_organisation',
        'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_emm__police_suspects_by_gender_age', 'police_suspects',
        'persons', 'gender', 'gender', 'age_group', 'age_group') }}
    union all
    {{ published_cells(
        'stg_wodc__prosecution_disposals', 'prosecution_disposals', 'cases',
        'disposal_type', 'disposal_type') }}
    union all
    {{ published_cells(
        'stg_wodc__court_decisions', 'court_decisions', 'cases',
        'decision_type', 'decision_type', 'form_of_exploitation', 'form') }}
    union all
    {{ published_cells(
        'stg_wodc__court_cases_by_form', 'court_decisions', 'cases',
        'form_of_exploitation', 'form') }}

),

prose_figures as (

    -- every count and percentage of the prose that has a reference year: a
    -- cell of its own, which the identity catalogue can compare with the
    -- tables; `<5` (`minder dan 5`) is 0..4 as in a table; a percentage
    -- (unit percent) keeps its printed whole number
    select
        'nrm__key_figures' as table_id,
        edition,
        year,
        figure_id as population,
        unit,
        'prose_figure' as breakdown,
        figure_id as category,
        null as category_label_nl,
        'none' as cross_breakdown,
        'all' as cross_category,
        null as cross_category_label_nl,
        published_value,
        case when is_suppressed then 0 else cast(value as integer) end
            as count_low,
        case when is_suppressed then 4 else cast(value as integer) end
            as count_high,
        is_suppressed,
        false as is_uncertain
    from {{ ref('stg_nrm__key_figures') }}
    where
        year is not null
        and unit in ('persons', 'cases', 'investigations', 'percent')

),

unioned as (

    select * from cells
    union all
    select * from prose_figures

)

select
    table_id || '|' || edition || '|' || year || '|' || category || '|'
    || cross_category as cell_id,
    *
from unioned
