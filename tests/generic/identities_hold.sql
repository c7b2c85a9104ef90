{#-
    The identities of the catalogue hold: every instance in the
    reconciliation mart whose identity has `is_kept_by_report` equal to
    `kept_by_report` fails when its two sides cannot be equal (or, for
    `at_most`, when the parts must exceed the total), naming the identity,
    the instance and both sides as bounds. Applied twice: the identities the
    report keeps at error severity, those it breaks at warn severity (the
    report's own contradictions, listed as findings).
-#}
{% test identities_hold(model, kept_by_report) %}
{% call fail_with_message() %}
    select
        identity_id || ' (' || relation || '), edition ' || edition
        || ', year ' || year || ', ' || instance_key || ': the ' || n_parts
        || ' parts add up to ' || parts_low || '..' || parts_high
        || ', the total is ' || total_low || '..' || total_high
        || coalesce(', printed as ' || printed_percent || '%', '')
        || coalesce(' -- ' || finding, '') as failure_message
    from {{ model }}
    where
        is_kept_by_report = {{ kept_by_report }}
        and not holds
{% endcall %}
{% endtest %}
