select year, count_low, count_high
from main_marts.funnel
where stage = 'reported_victims'
order by year
