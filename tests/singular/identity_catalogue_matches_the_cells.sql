-- Asserts: the identity catalogue is current. Every term takes at least one
-- published cell (a renamed table or code would silently drop it), every
-- identity has at least one complete instance, and an identity recorded as
-- broken by the report is broken in at least one instance (else the
-- finding is stale).
{% call fail_with_message() %}
    with

    terms as (
        select * from {{ ref('stg_nrm__identity_terms') }}
    ),

    cells as (
        select * from {{ ref('int_published_cells') }}
    ),

    reconciliation as (
        select * from {{ ref('reconciliation') }}
    ),

    identities as (
        select * from {{ ref('stg_nrm__identities') }}
    ),

    empty_terms as (
        select
            'term of ' || terms.identity_id || ' (' || terms.side || ', '
            || terms.table_id || ', ' || terms.category_spec || ' x '
            || terms.cross_category_spec || ') takes no published cell'
                as failure_message
        from terms
        where not exists (
            select 1
            from cells
            where
                cells.table_id = terms.table_id
                and {{ code_list_matches(
                    'cells.category', 'terms.category_spec') }}
                and {{ code_list_matches(
                    'cells.cross_category', 'terms.cross_category_spec') }}
        )
    ),

    verdicts as (
        select
            identities.identity_id,
            identities.is_kept_by_report,
            count(reconciliation.instance_id) as n_instances,
            count(*) filter (where not reconciliation.holds) as n_broken
        from identities
        left join reconciliation
            on identities.identity_id = reconciliation.identity_id
        group by identities.identity_id, identities.is_kept_by_report
    )

    select failure_message from empty_terms
    union all
    select identity_id || ' has no instance with cells on both sides'
    from verdicts
    where n_instances = 0
    union all
    select
        identity_id || ' is recorded as broken by the report, but all its '
        || n_instances || ' instances hold'
    from verdicts
    where not is_kept_by_report and n_instances > 0 and n_broken = 0
{% endcall %}
