-- 三公经费变动率（按预算数）= (本年“三公”经费预算数 − 上年“三公”经费预算数) / 上年“三公”经费预算数 × 100%
-- （frameworks.md v2：有些基础数据表按预算数计算变动率；按决算数的见 int_formula_three_public_change_rate）
-- 0/0（两年预算都为 0）怎么算由评价体系决定（framework_indicators.on_zero_denominator）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        three_public_budget - three_public_budget_prior as numerator,   -- 本年预算 − 上年预算
        three_public_budget_prior as denominator,                        -- 上年“三公”经费预算数
        case
            when three_public_budget is null and three_public_budget_prior is null then '缺少本年和上年“三公”经费预算数'
            when three_public_budget is null then '缺少本年“三公”经费预算数'
            when three_public_budget_prior is null then '缺少上年“三公”经费预算数'
        end as missing_inputs,
        {{ scoring_concat(["'本年“三公”经费预算数 '", format_amount('three_public_budget'), "'，上年 '", format_amount('three_public_budget_prior')]) }}
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
    -- written as the change over last year's budget: (本年 − 上年) / 上年
    case
        when finance.three_public_budget is not null and finance.three_public_budget_prior is not null then
        {{ dbt.concat(["'('", format_amount('finance.three_public_budget'), "' − '", format_amount('finance.three_public_budget_prior'),
                       "') / '", format_amount('finance.three_public_budget_prior'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('three_public_change_rate_on_budget') }}
) as rates
inner join finance
    on finance.dept_code = rates.dept_code and finance.fiscal_year = rates.fiscal_year
