-- Staffing by type (行政编制, 参公, 事业编制, …). Rows reading 小计/合计/总计 are in stg_staffing_totals.
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
    where not is_total
)

select * from final
