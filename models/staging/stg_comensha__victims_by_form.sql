{{
    stage_published_cells(
        'comensha__victims_by_form',
        categories=['form']
    )
}}
