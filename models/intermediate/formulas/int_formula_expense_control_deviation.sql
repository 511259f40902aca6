-- 支出控制偏差度 = |决算数 − 年初预算数| / 年初预算数 × 100%
-- （sc_county_self S05：abs(final − original) / original of 公用经费 plus project 办公费、印刷费、水费、电费、物业管理费）
-- 范围：基本支出的公用经费 + 项目支出中经济分类属于 framework_econ_class_groups 的行（int_ledger_lines.in_expense_control_scope），按合计计算。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        abs(expense_control_paid - expense_control_original) as numerator,  -- |决算数 − 年初预算数|
        expense_control_original as denominator,                            -- 年初预算数
        case when expense_control_lines = 0 then '台账中没有公用经费或办公费、印刷费、水费、电费、物业管理费的支出行' end
            as missing_inputs,
        {{ scoring_concat(["'公用经费及项目办公费等科目：年初预算数 '", format_amount('expense_control_original'),
                           "'，决算数 '", format_amount('expense_control_paid')]) }}
            as inputs
    from finance
)

select
    rates.formula_code,
    rates.dept_code,
    rates.fiscal_year,
    rates.project_code,
    rates.part_code,
    rates.numerator,
    rates.denominator,
    rates.value,
    rates.unit,
    rates.zero_denominator,
    rates.missing_inputs,
    case
        when rates.missing_inputs is null then
        {{ dbt.concat(["'|'", format_amount('finance.expense_control_paid'), "' − '", format_amount('finance.expense_control_original'),
                       "'| / '", format_amount('finance.expense_control_original'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('expense_control_deviation') }}
) as rates
inner join finance
    on finance.dept_code = rates.dept_code and finance.fiscal_year = rates.fiscal_year
