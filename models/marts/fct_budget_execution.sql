-- 预算执行：部门 × 年度 × 指标管理类型 × 项目类别。金额为元（DECIMAL(18,2)）；
-- 结余 = 调整后预算 − 实际支出；执行率 = 实际支出 / 调整后预算 × 100%（两位小数，四舍五入）。
with categories as (
    select * from {{ ref('int_budget_by_category') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        expense_type,
        category,
        original_budget,
        adjusted_budget,
        actual_paid,
        balance,
        cast(adjusted_budget - original_budget as decimal(18, 2)) as adjustment,
        {{ scoring_percent('actual_paid', 'adjusted_budget') }} as execution_rate,
        line_count
    from categories
)

select * from final
