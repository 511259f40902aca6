-- 台账明细（公共表）：当前版本的每一个预算行（不含报告的小计/合计行；只印总额的项目，其总额行即它的预算行），
-- 带来源（提交、文件、工作表、行号）。
-- 报告的“按经济分类的预算执行表”和分析人员从得分追溯到台账行，都从这里读。
with lines as (
    select * from {{ ref('int_ledger_lines') }}
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
        lines.in_expense_control_scope,
        lines.is_project_total,
        lines.submission_id,
        lines.source_file,
        lines.source_sheet,
        lines.source_row
    from lines
)

select * from final
