{{
    stage_published_cells(
        'comensha__victims_by_gender',
        categories=['gender', 'form']
    )
}}
