-- On PostgreSQL: computed by scripts/postgres.py, as disclosure_audit.
select * from {{ source('audit_computed', 'disclosure_suggested_suppression') }}
