select identity_id, year, instance_key, parts_low, parts_high,
    total_low, total_high, finding
from main_marts.reconciliation
where not holds
order by identity_id, year, instance_key
