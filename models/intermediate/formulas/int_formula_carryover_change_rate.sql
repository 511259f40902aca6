-- 结转结余变动率 = (年末结转结余 − 年初结转结余) / 年初结转结余 × 100%
-- （hn_dept_overall B22：(closing − opening) / opening；mof_dept_common B15）
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
        carryover_closing - carryover_opening as numerator,     -- 年末 − 年初
        carryover_opening as denominator,                       -- 年初结转结余
        coalesce(
            case when carryover_opening is null then '缺少年初结转结余数据' end,
            case
                when carryover_opening_source = 'prior_year_closing' and carryover_opening < 0
                    then '上年台账 Σ(调整后预算 − 实际支出) 为负（超支），不是年初结转结余'
            end,
            {{ missing_amounts([('carryover_closing', '年末结转结余')]) }},
            {{ carryover_overspent_text() }}
        ) as missing_inputs,
        {{ scoring_concat(["'年初结转结余 '", format_amount('carryover_opening'),
                           "case when carryover_opening_source = 'prior_year_closing' then '（上年年末）' end",
                           "'，年末结转结余 '", format_amount('carryover_closing')]) }}
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
    -- the report writes the change as (年末 − 年初) / 年初
    case
        when finance.carryover_opening is not null then
        {{ dbt.concat(["'('", format_amount('finance.carryover_closing'), "' − '", format_amount('finance.carryover_opening'),
                       "') / '", format_amount('finance.carryover_opening'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('carryover_change_rate') }}
) as rates
inner join finance
    on finance.dept_code = rates.dept_code and finance.fiscal_year = rates.fiscal_year
