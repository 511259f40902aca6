-- 预算完成率（含年初结转）= 实际支出 / (年初结转结余 + 本年调整后预算) × 100%
-- （frameworks.md v2：有些自评表的口径；按本年调整后预算的见 int_formula_budget_completion_rate）
-- 年初结转结余：结转结余表；未填时取上年年末（上年有台账时）；都没有 → 无法评价。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        paid_total as numerator,                            -- 实际支出
        carryover_opening + adjusted_total as denominator,  -- 年初结转结余 + 本年调整后预算
        coalesce(
            {{ missing_amounts([('paid_total', '实际支出（执行数）'), ('adjusted_total', '调整后预算')]) }},
            case when carryover_opening is null then '缺少年初结转结余数据' end
        ) as missing_inputs,
        {{ scoring_concat(["'实际支出 '", format_amount('paid_total'), "'，年初结转结余 '", format_amount('carryover_opening'),
                           "case when carryover_opening_source = 'prior_year_closing' then '（上年年末）' end",
                           "'，调整后预算 '", format_amount('adjusted_total')]) }}
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
    -- the form writes the denominator as its two parts: 实际支出 / (年初结转 + 调整后预算)
    case
        when finance.paid_total is not null and finance.carryover_opening is not null and finance.adjusted_total is not null then
        {{ dbt.concat([format_amount('finance.paid_total'), "' / ('", format_amount('finance.carryover_opening'), "' + '",
                       format_amount('finance.adjusted_total'), "') × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('budget_completion_rate_with_carryover') }}
) as rates
inner join finance
    on finance.dept_code = rates.dept_code and finance.fiscal_year = rates.fiscal_year
