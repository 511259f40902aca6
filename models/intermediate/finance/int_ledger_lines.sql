-- 预算指标执行台账：每个预算行一行（不含小计/合计行），台账只在这里读一次，下游的汇总都从这张表出发。
-- in_expense_control_scope 标出 sc_county_self S05（支出控制）所覆盖的行：基本支出的公用经费，
-- 以及项目支出中经济分类属于 framework_econ_class_groups（办公费、印刷费、水费、电费、物业管理费）的行。
with lines as (
    select * from {{ ref('stg_budget_ledger') }}
),

expense_control_patterns as (
    select econ_class_pattern
    from {{ ref('framework_econ_class_groups') }}
    where group_code = 'expense_control_project_items'
),

final as (
    select
        lines.ledger_line_id,
        lines.dept_code,
        lines.fiscal_year,
        lines.expense_type,
        lines.category,
        lines.project_code,
        lines.project_name,
        lines.is_key_project,
        lines.econ_class,
        lines.func_class,
        lines.fund_source,
        lines.original_budget,
        lines.adjustment,
        lines.adjusted_budget,
        lines.actual_paid,
        lines.balance,
        lines.balance_reported,
        lines.submission_id,
        lines.source_file,
        lines.source_sheet,
        lines.source_row,
        (lines.expense_type = '基本支出' and lines.category = '公用经费')
        or (
            lines.expense_type = '项目支出'
            and exists (
                select 1 from expense_control_patterns p
                where {{ dbt.position('p.econ_class_pattern', 'lines.econ_class') }} > 0
            )
        ) as in_expense_control_scope
    from lines
)

select * from final
