with source as (
    {{ current_version(source('raw', 'facts')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        fact_code,
        -- amounts in yuan (converted from 万元 on load); counts as whole numbers
        value,
        unit,
        note,
        {{ lineage_columns() }}
    from source
)

select * from final
