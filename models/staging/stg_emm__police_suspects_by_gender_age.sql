{{
    stage_published_cells(
        'emm__police_suspects_by_gender_age',
        categories=['gender', 'age_group']
    )
}}
