{{
    stage_published_cells(
        'wodc__court_decisions',
        categories=['decision_type', 'form']
    )
}}
