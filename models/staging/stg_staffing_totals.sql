-- Staffing totals as reported (staff_type 合计/小计/总计). Used when a department reports only a total.
with source as (
    {{ current_version(source('raw', 'staffing')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        staff_type,
        authorized,
        actual,
        {{ lineage_columns() }}
    from source
    where is_total
)

select * from final
