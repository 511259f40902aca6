-- 部门概况（公共表）：部门 × 年度的部门职责、机构设置、人员情况、内部控制文字（可选模板 department_profile），
-- 带来源文件与行号。没有报送的部门年度没有行（报告写明“未报送”）。
with profile as (
    select * from {{ ref('stg_department_profile') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        duties,
        organization,
        staffing_text,
        internal_control,
        submission_id,
        source_file,
        source_sheet,
        source_row
    from profile
)

select * from final
