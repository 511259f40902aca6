-- 部门 × 年度 × 指标管理类型 × 项目类别 的预算执行汇总（marts.fct_budget_execution 的来源），
-- 并带出部门年度事实需要的分项：重点项目的调整后预算、支出控制范围（S05）的年初预算与决算。
with lines as (
    select * from {{ ref('int_ledger_lines') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        expense_type,
        category,
        count(*) as line_count,
        -- a blank amount is unknown: the sum over lines that include one is unknown too (strict_sum)
        cast({{ strict_sum('original_budget') }} as decimal(18, 2)) as original_budget,
        cast({{ strict_sum('adjusted_budget') }} as decimal(18, 2)) as adjusted_budget,
        cast({{ strict_sum('actual_paid') }} as decimal(18, 2)) as actual_paid,
        cast({{ strict_sum('adjusted_budget - actual_paid') }} as decimal(18, 2)) as balance,
        cast({{ strict_sum('adjusted_budget', 'is_key_project') }} as decimal(18, 2)) as key_project_adjusted,
        sum(case when is_key_project then 1 else 0 end) as key_project_lines,
        cast({{ strict_sum('original_budget', 'in_expense_control_scope') }} as decimal(18, 2))
            as expense_control_original,
        cast({{ strict_sum('actual_paid', 'in_expense_control_scope') }} as decimal(18, 2))
            as expense_control_paid,
        sum(case when in_expense_control_scope then 1 else 0 end) as expense_control_lines
    from lines
    group by dept_code, fiscal_year, expense_type, category
)

select * from final
