-- 部门年度财务事实：每个部门、每个年度（任何一张原始表中出现的）一行。所有部门整体指标的分子、分母都从这里取。
--   预算：年初预算 original、调整后预算 adjusted、实际支出 paid —— 合计，以及按 基本支出（人员经费、公用经费）、
--         项目支出（其他运转类、特定目标类）分列；
--   结转结余：年初（结转结余表；未填时取上年年末）、年末（填报值；未填时为台账 Σ(调整后预算 − 实际支出)）；
--   “三公”经费：本年预算、本年决算、上年决算、上年预算（见 int_three_public_year）；
--   人员编制：编制数、实有在职人数（各类型之和；只报合计行时取合计行）；
--   其他基础数据（facts）：重点支出、政府采购、固定资产、违规问题、绩效监控问题。
-- 缺少的数据保持为空（null），从不当作 0：指标因此“无法评价”，而不是得 0 分。
with categories as (
    select * from {{ ref('int_budget_by_category') }}
),

-- 预算行（明细）汇总；空白金额 = 未知，含未知的合计即未知（strict_sum）
ledger_lines as (
    select
        dept_code,
        fiscal_year,
        sum(line_count) as ledger_lines,
        {{ strict_sum('original_budget') }} as original_total,
        {{ strict_sum('adjusted_budget') }} as adjusted_total,
        {{ strict_sum('actual_paid') }} as paid_total,
        {{ strict_sum('balance') }} as balance_total,
        {% for prefix, condition in [
            ('basic', "expense_type = '基本支出'"),
            ('personnel', "expense_type = '基本支出' and category = '人员经费'"),
            ('public', "expense_type = '基本支出' and category = '公用经费'"),
            ('project', "expense_type = '项目支出'"),
            ('operating', "expense_type = '项目支出' and category = '其他运转类'"),
            ('specific', "expense_type = '项目支出' and category = '特定目标类'"),
        ] -%}
            {{ strict_sum('original_budget', condition) }} as {{ prefix }}_original,
            {{ strict_sum('adjusted_budget', condition) }} as {{ prefix }}_adjusted,
            {{ strict_sum('actual_paid', condition) }} as {{ prefix }}_paid,
        {% endfor -%}
        {{ strict_sum('key_project_adjusted', "expense_type = '项目支出'") }} as key_project_adjusted,
        sum(case when expense_type = '项目支出' then key_project_lines else 0 end) as key_project_lines,
        {{ strict_sum('expense_control_original') }} as expense_control_original,
        {{ strict_sum('expense_control_paid') }} as expense_control_paid,
        sum(expense_control_lines) as expense_control_lines
    from categories
    group by dept_code, fiscal_year
),

-- 只有合计行、没有预算行的部门年度（部门决算表只印合计 / 基本支出合计 / 项目支出合计）：
-- 按这些合计行能给出的数字评价；需要明细行的指标（重点项目、支出控制范围……）无法评价。
-- 项目内的合计行（有项目编码）不是部门合计。同一范围有多个合计行且数字不同时，该数字未知。
subtotal_rows as (
    select
        s.dept_code,
        s.fiscal_year,
        case
            when s.expense_type is null and s.category is null then 'total'
            when s.expense_type = '基本支出' and s.category is null then 'basic'
            when s.expense_type = '项目支出' and s.category is null then 'project'
            when coalesce(s.expense_type, '基本支出') = '基本支出' and s.category = '人员经费' then 'personnel'
            when coalesce(s.expense_type, '基本支出') = '基本支出' and s.category = '公用经费' then 'public'
            when coalesce(s.expense_type, '项目支出') = '项目支出' and s.category = '其他运转类' then 'operating'
            when coalesce(s.expense_type, '项目支出') = '项目支出' and s.category = '特定目标类' then 'specific'
        end as scope,
        s.original_budget,
        s.adjusted_budget,
        s.actual_paid
    from {{ ref('stg_budget_ledger_subtotals') }} as s
    where
        s.project_code is null
        and not exists (
            select 1 from categories as c
            where c.dept_code = s.dept_code and c.fiscal_year = s.fiscal_year
        )
),

subtotal_scopes as (
    select
        dept_code,
        fiscal_year,
        scope,
        case
            when min(original_budget) = max(original_budget) and count(original_budget) = count(*)
                then max(original_budget)
        end as original_budget,
        case
            when min(adjusted_budget) = max(adjusted_budget) and count(adjusted_budget) = count(*)
                then max(adjusted_budget)
        end as adjusted_budget,
        case
            when min(actual_paid) = max(actual_paid) and count(actual_paid) = count(*)
                then max(actual_paid)
        end as actual_paid
    from subtotal_rows
    where scope is not null
    group by dept_code, fiscal_year, scope
),

ledger_totals as (
    select
        dept_code,
        fiscal_year,
        0 as ledger_lines,
        {% for measure, column in [('original', 'original_budget'), ('adjusted', 'adjusted_budget'), ('paid', 'actual_paid')] -%}
        -- 合计行；没有合计行时为 基本支出合计 + 项目支出合计
            coalesce(
                max(case when scope = 'total' then {{ column }} end),
                max(case when scope = 'basic' then {{ column }} end) + max(case when scope = 'project' then {{ column }} end)
            ) as {{ measure }}_total,
        {% endfor -%}
        coalesce(
            max(case when scope = 'total' then adjusted_budget end),
            max(case when scope = 'basic' then adjusted_budget end) + max(case when scope = 'project' then adjusted_budget end)
        ) - coalesce(
            max(case when scope = 'total' then actual_paid end),
            max(case when scope = 'basic' then actual_paid end) + max(case when scope = 'project' then actual_paid end)
        ) as balance_total,
        {% for prefix in ['basic', 'personnel', 'public', 'project', 'operating', 'specific'] -%}
            max(case when scope = '{{ prefix }}' then original_budget end) as {{ prefix }}_original,
            max(case when scope = '{{ prefix }}' then adjusted_budget end) as {{ prefix }}_adjusted,
            max(case when scope = '{{ prefix }}' then actual_paid end) as {{ prefix }}_paid,
        {% endfor -%}
        cast(null as decimal(18, 2)) as key_project_adjusted,
        0 as key_project_lines,
        cast(null as decimal(18, 2)) as expense_control_original,
        cast(null as decimal(18, 2)) as expense_control_paid,
        0 as expense_control_lines
    from subtotal_scopes
    group by dept_code, fiscal_year
),

ledger as (
    select
        *,
        'lines' as ledger_basis
    from ledger_lines
    union all
    select
        *,
        'totals' as ledger_basis
    from ledger_totals
),

-- 被评价的部门年度（有任何已导入数据的，见 int_dept_years）：每个都有一行，从不消失
dept_years as (
    select
        dept_code,
        fiscal_year
    from {{ ref('int_dept_years') }}
),

carryover as (
    select
        dept_code,
        fiscal_year,
        opening_balance,
        closing_balance_reported
    from {{ ref('stg_carryover') }}
),

-- 年末结转结余：填报值优先，否则台账 Σ(调整后预算 − 实际支出)
closing as (
    select
        dept_years.dept_code,
        dept_years.fiscal_year,
        coalesce(carryover.closing_balance_reported, ledger.balance_total) as carryover_closing,
        case
            when carryover.closing_balance_reported is not null then 'reported'
            when ledger.balance_total is not null then 'ledger'
        end as carryover_closing_source
    from dept_years
    left join ledger
        on ledger.dept_code = dept_years.dept_code and ledger.fiscal_year = dept_years.fiscal_year
    left join carryover
        on carryover.dept_code = dept_years.dept_code and carryover.fiscal_year = dept_years.fiscal_year
),

-- “三公”经费：各项之和（车辆组的规则见 int_three_public_year）；只报合计行时取合计行
three_public as (
    select
        dept_code,
        fiscal_year,
        budget,
        actual
    from {{ ref('int_three_public_year') }}
),

staffing_detail as (
    select
        dept_code,
        fiscal_year,
        -- blank = unknown: one blank count makes the department's total unknown (null), never a partial sum
        case when count(authorized) = count(*) then sum(authorized) end as authorized,
        case when count(actual) = count(*) then sum(actual) end as actual
    from {{ ref('stg_staffing') }}
    group by dept_code, fiscal_year
),

staffing_totals as (
    select
        dept_code,
        fiscal_year,
        case when count(authorized) = count(*) then max(authorized) end as authorized,
        case when count(actual) = count(*) then max(actual) end as actual
    from {{ ref('stg_staffing_totals') }}
    group by dept_code, fiscal_year
),

staffing as (
    select
        coalesce(d.dept_code, t.dept_code) as dept_code,
        coalesce(d.fiscal_year, t.fiscal_year) as fiscal_year,
        coalesce(d.authorized, t.authorized) as authorized,
        coalesce(d.actual, t.actual) as actual
    from staffing_detail as d
    full outer join staffing_totals as t
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
        dept_years.dept_code,
        dept_years.fiscal_year,
        coalesce(ledger.ledger_lines, 0) as ledger_lines,
        -- lines: 预算行汇总；totals: 台账只有合计行；none: 没有台账
        coalesce(ledger.ledger_basis, 'none') as ledger_basis,
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
        cast(tp_prior.budget as decimal(18, 2)) as three_public_budget_prior,
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
    from dept_years
    left join ledger
        on ledger.dept_code = dept_years.dept_code and ledger.fiscal_year = dept_years.fiscal_year
    inner join closing
        on closing.dept_code = dept_years.dept_code and closing.fiscal_year = dept_years.fiscal_year
    left join carryover
        on carryover.dept_code = dept_years.dept_code and carryover.fiscal_year = dept_years.fiscal_year
    left join closing as prior_closing
        on prior_closing.dept_code = dept_years.dept_code and prior_closing.fiscal_year = dept_years.fiscal_year - 1
    left join three_public as tp
        on tp.dept_code = dept_years.dept_code and tp.fiscal_year = dept_years.fiscal_year
    left join three_public as tp_prior
        on tp_prior.dept_code = dept_years.dept_code and tp_prior.fiscal_year = dept_years.fiscal_year - 1
    left join staffing
        on staffing.dept_code = dept_years.dept_code and staffing.fiscal_year = dept_years.fiscal_year
    left join facts
        on facts.dept_code = dept_years.dept_code and facts.fiscal_year = dept_years.fiscal_year
)

select * from final
