select * from {{ source('audit_computed', 'disclosure_audit') }}
