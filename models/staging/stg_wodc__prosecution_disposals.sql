{{
    stage_published_cells(
        'wodc__prosecution_disposals',
        categories=['disposal_type']
    )
}}
