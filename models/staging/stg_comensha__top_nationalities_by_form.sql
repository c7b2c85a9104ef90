{{
    stage_published_cells(
        'comensha__top_nationalities_by_form',
        categories=['nationality', 'form'],
        extra_columns=['nationality_rank']
    )
}}
