-- 部门年度财务事实：每个部门、每个年度（台账中出现的）一行。所有部门整体指标的分子、分母都从这里取。
--   预算：年初预算 original、调整后预算 adjusted、实际支出 paid —— 合计，以及按 基本支出（人员经费、公用经费）、
--         项目支出（其他运转类、特定目标类）分列；
--   结转结余：年初（结转结余表；未填时取上年年末）、年末（填报值；未填时为台账 Σ(调整后预算 − 实际支出)）；
--   “三公”经费：本年预算、本年决算、上年决算（各项之和；只报合计行时取合计行）；
--   人员编制：编制数、实有在职人数（各类型之和；只报合计行时取合计行）；
--   其他基础数据（facts）：重点支出、政府采购、固定资产、违规问题、绩效监控问题。
-- 缺少的数据保持为空（null），从不当作 0：指标因此“无法评价”，而不是得 0 分。
with categories as (
    select * from {{ ref('int_budget_by_category') }}
),

ledger as (
    select
        dept_code,
        fiscal_year,
        sum(line_count) as ledger_lines,
        sum(original_budget) as original_total,
        sum(adjusted_budget) as adjusted_total,
        sum(actual_paid) as paid_total,
        sum(balance) as balance_total,
        sum(case when expense_type = '基本支出' then original_budget else 0 end) as basic_original,
        sum(case when expense_type = '基本支出' then adjusted_budget else 0 end) as basic_adjusted,
        sum(case when expense_type = '基本支出' then actual_paid else 0 end) as basic_paid,
        sum(case when expense_type = '基本支出' and category = '人员经费' then original_budget else 0 end) as personnel_original,
        sum(case when expense_type = '基本支出' and category = '人员经费' then adjusted_budget else 0 end) as personnel_adjusted,
        sum(case when expense_type = '基本支出' and category = '人员经费' then actual_paid else 0 end) as personnel_paid,
        sum(case when expense_type = '基本支出' and category = '公用经费' then original_budget else 0 end) as public_original,
        sum(case when expense_type = '基本支出' and category = '公用经费' then adjusted_budget else 0 end) as public_adjusted,
        sum(case when expense_type = '基本支出' and category = '公用经费' then actual_paid else 0 end) as public_paid,
        sum(case when expense_type = '项目支出' then original_budget else 0 end) as project_original,
        sum(case when expense_type = '项目支出' then adjusted_budget else 0 end) as project_adjusted,
        sum(case when expense_type = '项目支出' then actual_paid else 0 end) as project_paid,
        sum(case when expense_type = '项目支出' and category = '其他运转类' then original_budget else 0 end) as operating_original,
        sum(case when expense_type = '项目支出' and category = '其他运转类' then adjusted_budget else 0 end) as operating_adjusted,
        sum(case when expense_type = '项目支出' and category = '其他运转类' then actual_paid else 0 end) as operating_paid,
        sum(case when expense_type = '项目支出' and category = '特定目标类' then original_budget else 0 end) as specific_original,
        sum(case when expense_type = '项目支出' and category = '特定目标类' then adjusted_budget else 0 end) as specific_adjusted,
        sum(case when expense_type = '项目支出' and category = '特定目标类' then actual_paid else 0 end) as specific_paid,
        sum(case when expense_type = '项目支出' then key_project_adjusted else 0 end) as key_project_adjusted,
        sum(case when expense_type = '项目支出' then key_project_lines else 0 end) as key_project_lines,
        sum(expense_control_original) as expense_control_original,
        sum(expense_control_paid) as expense_control_paid,
        sum(expense_control_lines) as expense_control_lines
    from categories
    group by dept_code, fiscal_year
),

carryover as (
    select dept_code, fiscal_year, opening_balance, closing_balance_reported
    from {{ ref('stg_carryover') }}
),

-- 年末结转结余：填报值优先，否则台账 Σ(调整后预算 − 实际支出)
closing as (
    select
        ledger.dept_code,
        ledger.fiscal_year,
        coalesce(carryover.closing_balance_reported, ledger.balance_total) as carryover_closing,
        case when carryover.closing_balance_reported is not null then 'reported' else 'ledger' end
            as carryover_closing_source
    from ledger
    left join carryover
        on carryover.dept_code = ledger.dept_code and carryover.fiscal_year = ledger.fiscal_year
),

three_public_items as (
    select dept_code, fiscal_year, sum(budget) as budget, sum(actual) as actual
    from {{ ref('stg_three_public') }}
    group by dept_code, fiscal_year
),

three_public_totals as (
    select dept_code, fiscal_year, max(budget) as budget, max(actual) as actual
    from {{ ref('stg_three_public_totals') }}
    group by dept_code, fiscal_year
),

-- 各项之和；部门只报合计行时取合计行
three_public as (
    select
        coalesce(i.dept_code, t.dept_code) as dept_code,
        coalesce(i.fiscal_year, t.fiscal_year) as fiscal_year,
        coalesce(i.budget, t.budget) as budget,
        coalesce(i.actual, t.actual) as actual
    from three_public_items i
    full outer join three_public_totals t
        on t.dept_code = i.dept_code and t.fiscal_year = i.fiscal_year
),

staffing_detail as (
    select dept_code, fiscal_year, sum(authorized) as authorized, sum(actual) as actual
    from {{ ref('stg_staffing') }}
    group by dept_code, fiscal_year
),

staffing_totals as (
    select dept_code, fiscal_year, max(authorized) as authorized, max(actual) as actual
    from {{ ref('stg_staffing_totals') }}
    group by dept_code, fiscal_year
),

staffing as (
    select
        coalesce(d.dept_code, t.dept_code) as dept_code,
        coalesce(d.fiscal_year, t.fiscal_year) as fiscal_year,
        coalesce(d.authorized, t.authorized) as authorized,
        coalesce(d.actual, t.actual) as actual
    from staffing_detail d
    full outer join staffing_totals t
        on t.dept_code = d.dept_code and t.fiscal_year = d.fiscal_year
),

facts as (
    select
        dept_code,
        fiscal_year,
        max(case when fact_code = 'key_expenditure' then value end) as key_expenditure,
        max(case when fact_code = 'procurement_budget' then value end) as procurement_budget,
        max(case when fact_code = 'procurement_actual' then value end) as procurement_actual,
        max(case when fact_code = 'fixed_assets_total' then value end) as fixed_assets_total,
        max(case when fact_code = 'fixed_assets_in_use' then value end) as fixed_assets_in_use,
        max(case when fact_code = 'violations' then value end) as violations,
        max(case when fact_code = 'monitoring_issues' then value end) as monitoring_issues,
        max(case when fact_code = 'monitoring_issues_unresolved' then value end) as monitoring_issues_unresolved
    from {{ ref('stg_facts') }}
    group by dept_code, fiscal_year
),

final as (
    select
        ledger.dept_code,
        ledger.fiscal_year,
        ledger.ledger_lines,
        cast(ledger.original_total as decimal(18, 2)) as original_total,
        cast(ledger.adjusted_total as decimal(18, 2)) as adjusted_total,
        cast(ledger.paid_total as decimal(18, 2)) as paid_total,
        cast(ledger.balance_total as decimal(18, 2)) as balance_total,
        cast(ledger.basic_original as decimal(18, 2)) as basic_original,
        cast(ledger.basic_adjusted as decimal(18, 2)) as basic_adjusted,
        cast(ledger.basic_paid as decimal(18, 2)) as basic_paid,
        cast(ledger.personnel_original as decimal(18, 2)) as personnel_original,
        cast(ledger.personnel_adjusted as decimal(18, 2)) as personnel_adjusted,
        cast(ledger.personnel_paid as decimal(18, 2)) as personnel_paid,
        cast(ledger.public_original as decimal(18, 2)) as public_original,
        cast(ledger.public_adjusted as decimal(18, 2)) as public_adjusted,
        cast(ledger.public_paid as decimal(18, 2)) as public_paid,
        cast(ledger.project_original as decimal(18, 2)) as project_original,
        cast(ledger.project_adjusted as decimal(18, 2)) as project_adjusted,
        cast(ledger.project_paid as decimal(18, 2)) as project_paid,
        cast(ledger.operating_original as decimal(18, 2)) as operating_original,
        cast(ledger.operating_adjusted as decimal(18, 2)) as operating_adjusted,
        cast(ledger.operating_paid as decimal(18, 2)) as operating_paid,
        cast(ledger.specific_original as decimal(18, 2)) as specific_original,
        cast(ledger.specific_adjusted as decimal(18, 2)) as specific_adjusted,
        cast(ledger.specific_paid as decimal(18, 2)) as specific_paid,
        cast(ledger.key_project_adjusted as decimal(18, 2)) as key_project_adjusted,
        ledger.key_project_lines,
        cast(ledger.expense_control_original as decimal(18, 2)) as expense_control_original,
        cast(ledger.expense_control_paid as decimal(18, 2)) as expense_control_paid,
        ledger.expense_control_lines,
        -- 年初结转结余：结转结余表；未填时取上年年末（上年有台账时）
        cast(coalesce(carryover.opening_balance, prior_closing.carryover_closing) as decimal(18, 2)) as carryover_opening,
        case
            when carryover.opening_balance is not null then 'reported'
            when prior_closing.carryover_closing is not null then 'prior_year_closing'
        end as carryover_opening_source,
        cast(closing.carryover_closing as decimal(18, 2)) as carryover_closing,
        closing.carryover_closing_source,
        cast(tp.budget as decimal(18, 2)) as three_public_budget,
        cast(tp.actual as decimal(18, 2)) as three_public_actual,
        cast(tp_prior.actual as decimal(18, 2)) as three_public_actual_prior,
        staffing.authorized as staff_authorized,
        staffing.actual as staff_actual,
        cast(facts.key_expenditure as decimal(18, 2)) as key_expenditure_reported,
        cast(facts.procurement_budget as decimal(18, 2)) as procurement_budget,
        cast(facts.procurement_actual as decimal(18, 2)) as procurement_actual,
        cast(facts.fixed_assets_total as decimal(18, 2)) as fixed_assets_total,
        cast(facts.fixed_assets_in_use as decimal(18, 2)) as fixed_assets_in_use,
        cast(facts.violations as decimal(18, 2)) as violations,
        cast(facts.monitoring_issues as decimal(18, 2)) as monitoring_issues,
        cast(facts.monitoring_issues_unresolved as decimal(18, 2)) as monitoring_issues_unresolved
    from ledger
    inner join closing
        on closing.dept_code = ledger.dept_code and closing.fiscal_year = ledger.fiscal_year
    left join carryover
        on carryover.dept_code = ledger.dept_code and carryover.fiscal_year = ledger.fiscal_year
    left join closing as prior_closing
        on prior_closing.dept_code = ledger.dept_code and prior_closing.fiscal_year = ledger.fiscal_year - 1
    left join three_public as tp
        on tp.dept_code = ledger.dept_code and tp.fiscal_year = ledger.fiscal_year
    left join three_public as tp_prior
        on tp_prior.dept_code = ledger.dept_code and tp_prior.fiscal_year = ledger.fiscal_year - 1
    left join staffing
        on staffing.dept_code = ledger.dept_code and staffing.fiscal_year = ledger.fiscal_year
    left join facts
        on facts.dept_code = ledger.dept_code and facts.fiscal_year = ledger.fiscal_year
)

select * from final
