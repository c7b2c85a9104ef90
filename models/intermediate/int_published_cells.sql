-- One long table of every published cell of every report table, plus the
-- counts of the prose, under one set of column names.
-- Grain: one row per table, edition, year, category and cross category.

with

cells as (

    {{ published_cells('stg_comensha__victims_by_form', 'form') }}
    union all
    {{ published_cells('stg_comensha__sexual_exploitation_sectors', 'sector') }}
    union all
    {{ published_cells(
        'stg_comensha__sexual_exploitation_sectors_by_origin', 'sector',
        'origin_region') }}
    union all
    {{ published_cells('stg_comensha__labour_exploitation_sectors', 'sector') }}
    union all
    {{ published_cells(
        'stg_comensha__criminal_exploitation_by_age', 'age_group') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_origin', 'origin_region', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__top_nationalities_by_form', 'nationality', 'form') }}
    union all
    {{ published_cells('stg_comensha__victims_by_gender', 'gender', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_age_group', 'age_group', 'form') }}
    union all
    {{ published_cells(
        'stg_comensha__victims_by_reporting_organisation',
        'reporting_organisation', 'form') }}
    union all
    {{ published_cells(
        'stg_emm__police_suspects_by_gender_age', 'gender', 'age_group') }}
    union all
    {{ published_cells(
        'stg_wodc__prosecution_disposals', 'disposal_type') }}
    union all
    {{ published_cells('stg_wodc__court_decisions', 'decision_type', 'form') }}
    union all
    {{ published_cells('stg_wodc__court_cases_by_form', 'form') }}
    union all
    -- a table of percentages (the minors pie): cells in whole percents, unit
    -- percent, which the identity catalogue compares with the counts
    select
        'comensha__minors_by_form_share' as table_id,
        edition,
        year,
        form as category,
        form_printed_label as category_printed_label,
        'all' as cross_category,
        null as cross_category_printed_label,
        published_percentage as published_value,
        share_percent as count_low,
        share_percent as count_high,
        false as is_suppressed,
        is_uncertain
    from {{ ref('stg_comensha__minors_by_form_share') }}

),

report_tables as (

    select * from {{ ref('stg_nrm__report_tables') }}

),

codes as (

    select * from {{ ref('stg_nrm__codes') }}

),

table_cells as (

    -- what each table counts, and the canonical labels of its codes
    select
        cells.table_id,
        cells.edition,
        cells.year,
        report_tables.population,
        report_tables.unit,
        report_tables.breakdown,
        cells.category,
        category_codes.label_nl as category_label_nl,
        category_codes.label_en as category_label_en,
        cells.category_printed_label,
        report_tables.cross_breakdown,
        cells.cross_category,
        cross_codes.label_nl as cross_category_label_nl,
        cross_codes.label_en as cross_category_label_en,
        cells.cross_category_printed_label,
        cells.published_value,
        cells.count_low,
        cells.count_high,
        cells.is_suppressed,
        cells.is_uncertain
    from cells
    left join report_tables
        on
            cells.table_id = report_tables.table_id
            and cells.edition = report_tables.edition
    left join codes as category_codes
        on
            report_tables.category_concept = category_codes.concept
            and cells.category = category_codes.code
    left join codes as cross_codes
        on
            report_tables.cross_category_concept = cross_codes.concept
            and cells.cross_category = cross_codes.code

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
        null as category_label_en,
        sentence_nl as category_printed_label,
        'none' as cross_breakdown,
        'all' as cross_category,
        null as cross_category_label_nl,
        null as cross_category_label_en,
        null as cross_category_printed_label,
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

    select * from table_cells
    union all
    select * from prose_figures

)

select
    table_id || '|' || edition || '|' || year || '|' || category || '|'
    || cross_category as cell_id,
    *
from unioned
