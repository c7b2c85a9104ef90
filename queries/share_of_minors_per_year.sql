select year, count_low, count_high,
    share_of_year_total_low, share_of_year_total_high
from main_marts.demographics
where breakdown = 'age_group' and category = 'minor'
    and cross_category = 'all'
order by year
