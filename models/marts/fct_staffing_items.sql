-- 人员编制（公共表）：部门 × 年度 × 编制类型，编制数与实有人数（人），带来源文件与行号。
-- 只报了合计行的部门年度，合计行也在这里（is_total_row = true）；编制合计见 fct_department_year_finance。
with staffing as (
    select
        *,
        false as is_total_row
    from {{ ref('stg_staffing') }}
),

staffing_totals as (
    select
        *,
        true as is_total_row
    from {{ ref('stg_staffing_totals') }}
),

unioned as (
    select
        dept_code,
        fiscal_year,
        staff_type,
        authorized,
        actual,
        is_total_row,
        submission_id,
        source_file,
        source_sheet,
        source_row
    from staffing
    union all
    select
        dept_code,
        fiscal_year,
        staff_type,
        authorized,
        actual,
        is_total_row,
        submission_id,
        source_file,
        source_sheet,
        source_row
    from staffing_totals
),

final as (
    select
        dept_code,
        fiscal_year,
        staff_type,
        authorized,
        actual,
        is_total_row,
        submission_id,
        source_file,
        source_sheet,
        source_row
    from unioned
)

select * from final
