-- “三公”经费明细（公共表）：部门 × 年度 × 项目（因公出国(境)费、公务接待费、公务用车购置费、公务用车运行维护费……），
-- 预算数与决算数（元），带来源文件与行号。合计与控制率见 fct_department_year_finance。
with items as (
    select * from {{ ref('stg_three_public') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        item,
        budget,
        actual,
        submission_id,
        source_file,
        source_sheet,
        source_row
    from items
)

select * from final
