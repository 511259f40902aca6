with source as (
    {{ current_version(source('raw', 'qualitative_scores')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        indicator_code,
        score,
        scorer,
        evidence,
        {{ lineage_columns() }}
    from source
)

select * from final
