-- 预算指标执行台账：每个预算行一行（不含小计/合计行），台账只在这里读一次，下游的汇总都从这张表出发。
-- 项目的总额行：一个项目在台账中只有它自己的合计行（“年度资金总额”“总额”“合计”，带项目编码），没有任何明细行时，
-- 这一行就是该项目的预算（项目支出绩效自评表只印总额）：作为一行计入（is_project_total），否则项目和它的钱都会消失。
-- in_expense_control_scope 标出 sc_county_self S05（支出控制）所覆盖的行：基本支出的公用经费，
-- 以及项目支出中经济分类属于 framework_econ_class_groups（办公费、印刷费、水费、电费、物业管理费）的行。
with budget_lines as (
    select * from {{ ref('stg_budget_ledger') }}
),

subtotals as (
    select * from {{ ref('stg_budget_ledger_subtotals') }}
),

expense_control_patterns as (
    select econ_class_pattern
    from {{ ref('framework_econ_class_groups') }}
    where group_code = 'expense_control_project_items'
),

-- a project whose only rows are its own totals: the first of them (by row) stands for the project
project_totals as (
    select ranked.*
    from (
        select
            s.*,
            row_number() over (partition by s.dept_code, s.fiscal_year, s.project_code order by s.source_row) as total_rank
        from subtotals as s
        where
            s.project_code is not null
            and not exists (
                select 1 from budget_lines as l
                where l.dept_code = s.dept_code and l.fiscal_year = s.fiscal_year and l.project_code = s.project_code
            )
    ) as ranked
    where ranked.total_rank = 1
),

lines as (
    select
        ledger_line_id,
        dept_code,
        fiscal_year,
        expense_type,
        category,
        project_code,
        project_name,
        is_key_project,
        econ_class,
        func_class,
        fund_source,
        original_budget,
        adjustment,
        adjusted_budget,
        actual_paid,
        balance,
        balance_reported,
        submission_id,
        source_file,
        source_sheet,
        source_row,
        false as is_project_total,
        -- matched here, not on the union below: Spark 3.5's optimizer fails on a correlated subquery over a
        -- union (PushProjectionThroughUnion: key not found); a total row has no economic class, no match
        exists(
            select 1 from expense_control_patterns as p
            where {{ dbt.position('p.econ_class_pattern', 'budget_lines.econ_class') }} > 0
        ) as econ_class_in_control_group
    from budget_lines
    union all
    select
        subtotal_id,
        dept_code,
        fiscal_year,
        coalesce(expense_type, '项目支出'),
        category,
        project_code,
        project_name,
        is_key_project,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        original_budget,
        adjustment,
        adjusted_budget,
        actual_paid,
        cast(adjusted_budget - actual_paid as decimal(18, 2)),
        balance_reported,
        submission_id,
        source_file,
        source_sheet,
        source_row,
        true,
        false
    from project_totals
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
        lines.is_project_total,
        (lines.expense_type = '基本支出' and lines.category = '公用经费')
        or (
            lines.expense_type = '项目支出'
            and lines.econ_class_in_control_group
        ) as in_expense_control_scope
    from lines
)

select * from final
