-- 区划 × 年度的预算执行合计（公共表）：区划内各部门的年初预算、调整后预算、实际支出、结余之和（元）与预算完成率（%）。
-- region_code 为空（all_regions）的行是全部区划合计。看板“年度趋势”的“预算执行”从这里读（选了部门时读该部门的
-- fct_budget_execution_summary 合计行）。
with department_totals as (
    select * from {{ ref('fct_budget_execution_summary') }}
    where row_level = 'total'
),

departments as (
    select
        dept_code,
        region_code
    from {{ ref('dim_department') }}
),

summed as (
    select
        department_totals.fiscal_year,
        departments.region_code,
        grouping(departments.region_code) = 1 as all_regions,
        count(*) as departments,
        sum(department_totals.original_budget) as original_budget,
        sum(department_totals.adjusted_budget) as adjusted_budget,
        sum(department_totals.actual_paid) as actual_paid,
        sum(department_totals.balance) as balance
    from department_totals
    inner join departments
        on departments.dept_code = department_totals.dept_code
    group by department_totals.fiscal_year, rollup(departments.region_code)
),

final as (
    select
        fiscal_year,
        region_code,
        all_regions,
        cast(departments as integer) as departments,
        cast(original_budget as decimal(18, 2)) as original_budget,
        cast(adjusted_budget as decimal(18, 2)) as adjusted_budget,
        cast(actual_paid as decimal(18, 2)) as actual_paid,
        cast(balance as decimal(18, 2)) as balance,
        {{ scoring_percent('actual_paid', 'adjusted_budget') }} as execution_rate
    from summed
)

select * from final
