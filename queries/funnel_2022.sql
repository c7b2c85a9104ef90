select stage_number, stage, unit, count_low, count_high,
    ratio_to_previous_stage_low, ratio_to_previous_stage_high
from main_marts.funnel
where year = 2022
order by stage_number
