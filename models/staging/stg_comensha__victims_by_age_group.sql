{{
    stage_published_cells(
        'comensha__victims_by_age_group',
        categories=['age_group', 'form']
    )
}}
