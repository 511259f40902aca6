-- 部门年度财务事实（公共表）：每个部门年度一行，评价报告“基本情况”“支出情况”和看板“基础数据”引用的数字。
--   预算：年初预算、调整后预算、实际支出 —— 合计，以及 基本支出（人员经费、公用经费）、项目支出（其他运转类、
--         特定目标类）分列；空白金额表示未知，含未知的合计即未知（不当作 0）；
--   占比与比率：人员经费 / 基本支出、公用经费 / 基本支出、其他运转类 / 项目支出、特定目标类 / 项目支出、
--         基本支出 / 支出合计、项目支出 / 支出合计，预算完成率 = 实际支出 / 调整后预算，均为 %（两位小数，四舍五入）；
--   结转结余、“三公”经费、人员编制、政府采购、固定资产；
--   重点支出安排数：与 int_formula_key_expenditure_rate 相同的取法（facts.key_expenditure；未填报而台账有
--         重点项目行时取这些行的调整后预算之和）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        ledger_basis,
        original_total,
        adjusted_total,
        paid_total,
        balance_total,
        basic_original,
        basic_adjusted,
        basic_paid,
        personnel_original,
        personnel_adjusted,
        personnel_paid,
        public_original,
        public_adjusted,
        public_paid,
        project_original,
        project_adjusted,
        project_paid,
        operating_original,
        operating_adjusted,
        operating_paid,
        specific_original,
        specific_adjusted,
        specific_paid,
        {{ scoring_percent('paid_total', 'adjusted_total') }} as execution_rate,
        {{ scoring_percent('personnel_paid', 'basic_paid') }} as personnel_share_of_basic,
        {{ scoring_percent('public_paid', 'basic_paid') }} as public_share_of_basic,
        {{ scoring_percent('operating_paid', 'project_paid') }} as operating_share_of_project,
        {{ scoring_percent('specific_paid', 'project_paid') }} as specific_share_of_project,
        {{ scoring_percent('basic_paid', 'paid_total') }} as basic_share_of_total,
        {{ scoring_percent('project_paid', 'paid_total') }} as project_share_of_total,
        carryover_opening,
        carryover_opening_source,
        carryover_closing,
        carryover_closing_source,
        three_public_budget,
        three_public_actual,
        three_public_actual_prior,
        three_public_budget_prior,
        cast(staff_authorized as bigint) as staff_authorized,
        cast(staff_actual as bigint) as staff_actual,
        coalesce(key_expenditure_reported, case when key_project_lines > 0 then key_project_adjusted end)
            as key_expenditure,
        case
            when key_expenditure_reported is not null then 'reported'
            when key_project_lines > 0 then 'ledger'
        end as key_expenditure_source,
        procurement_budget,
        procurement_actual,
        fixed_assets_total,
        fixed_assets_in_use,
        violations,
        monitoring_issues,
        monitoring_issues_unresolved
    from finance
)

select * from final
