select year, category as origin_region, count_low, count_high,
    share_of_year_total_low, share_of_year_total_high
from main_marts.demographics
where breakdown = 'origin_region' and cross_category = 'all'
order by year, origin_region
