{{
    stage_published_cells(
        'comensha__victims_by_reporting_organisation',
        categories=['reporting_organisation', 'form']
    )
}}
