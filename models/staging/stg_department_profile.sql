-- 部门概况（可选模板）：部门职责、机构设置、人员情况、内部控制，每个部门年度一行。
with source as (
    {{ current_version(source('raw', 'department_profile')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        duties,
        organization,
        staffing_text,
        internal_control,
        {{ lineage_columns() }}
    from source
)

select * from final
