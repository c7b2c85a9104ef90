-- What happens to the cases: OM disposals (dagvaarding, sepot, overig) and
-- court decisions (veroordeling, vrijspraak, overig) per reference year,
-- with their rates, the 2022 splits by form, and the cases registered at
-- the OM where the prose publishes them.
-- Grain: one row per year, measure, category and form; counts cases.

with

cells as (

    select * from {{ ref('int_published_cells_latest_edition') }}

),

totals as (

    select * from {{ ref('int_yearly_totals') }}

),

outcomes as (

    -- a disposal or decision, for all forms or for one form (2022)
    select
        cell_id,
        edition,
        year,
        population as measure,
        category,
        cross_category as form,
        category_label_en,
        category_label_nl,
        category_printed_label,
        cross_category_label_en as form_label_en,
        cross_category_label_nl as form_label_nl,
        cross_category_printed_label as form_printed_label,
        table_id as source_table,
        count_low,
        count_high,
        is_suppressed,
        is_suppressed as has_suppressed_input,
        is_uncertain
    from cells
    where table_id in ('wodc__prosecution_disposals', 'wodc__court_decisions')

),

form_totals as (

    -- the court-decided cases of one form: the denominator of its rates
    select
        cell_id,
        edition,
        year,
        'court_decisions' as measure,
        'all' as category,
        category as form,
        null as category_label_en,
        null as category_label_nl,
        null as category_printed_label,
        category_label_en as form_label_en,
        category_label_nl as form_label_nl,
        category_printed_label as form_printed_label,
        table_id as source_table,
        count_low,
        count_high,
        is_suppressed,
        is_suppressed as has_suppressed_input,
        is_uncertain
    from cells
    where table_id = 'wodc__court_cases_by_form'

),

year_totals as (

    select
        null as cell_id,
        edition,
        year,
        population as measure,
        'all' as category,
        'all' as form,
        null as category_label_en,
        null as category_label_nl,
        null as category_printed_label,
        null as form_label_en,
        null as form_label_nl,
        null as form_printed_label,
        total_source as source_table,
        total_low as count_low,
        total_high as count_high,
        false as is_suppressed,
        has_suppressed as has_suppressed_input,
        false as is_uncertain
    from totals
    where
        population in (
            'prosecution_disposals',
            'court_decisions',
            'registered_prosecution_cases'
        )

),

unioned as (

    select * from outcomes
    union all
    select * from form_totals
    union all
    select * from year_totals

),

with_denominators as (

    select
        unioned.*,
        denominators.count_low as denominator_low,
        denominators.count_high as denominator_high
    from unioned
    left join unioned as denominators
        on
            unioned.measure = denominators.measure
            and unioned.year = denominators.year
            and unioned.form = denominators.form
            and denominators.category = 'all'
            and unioned.category <> 'all'

),

final as (

    select
        -- keys
        cell_id,
        edition,
        year,
        measure,
        category,
        form,

        -- labels (canonical per code) and provenance
        category_label_en,
        category_label_nl,
        category_printed_label,
        form_label_en,
        form_label_nl,
        form_printed_label,
        source_table,
        'OM / WODC' as source_organisation,
        'cases' as unit,

        -- counts and rates
        count_low,
        count_high,
        denominator_low as total_low,
        denominator_high as total_high,
        {{ bounded_ratio(
            'count_low', 'count_high',
            'denominator_low', 'denominator_high', 'rate') }},

        -- flags
        is_suppressed,
        has_suppressed_input,
        is_uncertain

    from with_denominators

)

select * from final
