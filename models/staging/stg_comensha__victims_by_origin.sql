{{
    stage_published_cells(
        'comensha__victims_by_origin',
        categories=['origin_region', 'form']
    )
}}
