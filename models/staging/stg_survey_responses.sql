with source as (
    {{ current_version(source('raw', 'survey_responses')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        question,
        rating,
        cast(respondents as integer) as respondents,
        {{ lineage_columns() }}
    from source
)

select * from final
