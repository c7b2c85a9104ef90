-- The total of each population per reference year, as bounds, from the
-- disclosure-controlled cells. Where the report gives several routes to one
-- total (victims by age group and by origin region; court decisions by
-- decision and by form; suspects by gender x age and in the prose), the
-- total is the intersection of their bounds.
-- Grain: one row per population and year.

with

cells as (

    select * from {{ ref('int_published_cells_disclosure_controlled') }}

),

routes as (

    -- each route: the cells that add up to the population's total
    select
        case
            when
                table_id = 'comensha__victims_by_origin'
                then 'reported_victims'
            when
                table_id = 'comensha__victims_by_age_group'
                then 'reported_victims'
            when table_id = 'wodc__court_cases_by_form' then 'court_decisions'
            else population
        end as population,
        table_id as route,
        edition,
        year,
        unit,
        count_low,
        count_high,
        is_suppressed,
        is_widened
    from cells
    where
        cross_category = 'all'
        and table_id in (
            'comensha__victims_by_origin',
            'comensha__victims_by_age_group',
            'emm__police_suspects_by_gender_age',
            'nrm__key_figures',
            'wodc__prosecution_disposals',
            'wodc__court_decisions',
            'wodc__court_cases_by_form'
        )

),

route_sums as (

    select
        population,
        route,
        year,
        max(edition) as edition,
        any_value(unit) as unit,
        cast(sum(count_low) as integer) as total_low,
        cast(sum(count_high) as integer) as total_high,
        bool_or(is_suppressed) as has_suppressed,
        bool_or(is_widened) as has_widened
    from routes
    group by population, route, year

),

totals as (

    select
        population,
        year,
        max(edition) as edition,
        any_value(unit) as unit,
        max(total_low) as total_low,
        min(total_high) as total_high,
        count(*) as n_routes,
        bool_or(has_suppressed) as has_suppressed,
        bool_or(has_widened) as has_widened
    from route_sums
    group by population, year

)

select * from totals
