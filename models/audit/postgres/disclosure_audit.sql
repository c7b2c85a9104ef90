-- On PostgreSQL: dbt-postgres runs no Python models, so scripts/postgres.py
-- computes the audit (lib/audit_inputs.py, the same code as the DuckDB
-- model) from this build's own cells and identity instances, into the
-- schema audit_computed; this model makes it the audit's table, with its
-- documentation and tests. Enabled by the var audit_computed.
select * from {{ source('audit_computed', 'disclosure_audit') }}
