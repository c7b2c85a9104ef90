select year, measure, category, rate_low, rate_high
from main_marts.prosecution
where form = 'all'
    and category in ('dismissal', 'conviction')
order by category, year
