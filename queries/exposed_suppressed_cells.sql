select count(*) filter (where is_exposed) as exposed,
    count(*) filter (where is_pinned) as pinned,
    count(*) as suppressed
from main_audit.disclosure_audit
