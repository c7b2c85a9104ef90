{{
    stage_published_cells(
        'wodc__court_cases_by_form',
        categories=['form']
    )
}}
