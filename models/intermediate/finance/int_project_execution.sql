-- 项目执行：每个部门、年度、项目（台账中项目支出的项目编码）一行。没有项目编码的项目支出行不在这里
-- （它们仍计入部门合计）。资金结余率 = (调整后预算 − 实际支出) / 调整后预算，执行率 = 实际支出 / 调整后预算。
with lines as (
    select * from {{ ref('int_ledger_lines') }}
    where expense_type = '项目支出' and project_code is not null
),

projects as (
    select
        dept_code,
        fiscal_year,
        project_code,
        max(project_name) as project_name,
        max(case when is_key_project then 1 else 0 end) = 1 as is_key_project,
        count(*) as ledger_lines,
        -- a blank amount is unknown, and so is the project's sum (strict_sum)
        cast({{ strict_sum('original_budget') }} as decimal(18, 2)) as original_budget,
        cast({{ strict_sum('adjusted_budget') }} as decimal(18, 2)) as adjusted_budget,
        cast({{ strict_sum('actual_paid') }} as decimal(18, 2)) as actual_paid,
        cast({{ strict_sum('adjusted_budget - actual_paid') }} as decimal(18, 2)) as balance
    from lines
    group by dept_code, fiscal_year, project_code
),

final as (
    select
        projects.*,
        {{ scoring_percent('actual_paid', 'adjusted_budget') }} as execution_rate,
        {{ scoring_percent('balance', 'adjusted_budget') }} as balance_rate
    from projects
)

select * from final
