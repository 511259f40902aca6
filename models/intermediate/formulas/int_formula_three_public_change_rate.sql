-- 三公经费变动率 = (本年“三公”经费决算数 − 上年“三公”经费决算数) / 上年“三公”经费决算数 × 100%
-- （frameworks.md A23：(this year's 三公 actual − last year's) / last year's; 0/0 = 0%）
-- 0/0（两年都为 0）怎么算由评价体系决定（framework_indicators.on_zero_denominator）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        three_public_actual - three_public_actual_prior as numerator,   -- 本年 − 上年
        three_public_actual_prior as denominator,                        -- 上年“三公”经费决算数
        case
            when three_public_actual is null and three_public_actual_prior is null then '缺少“三公”经费数据'
            when three_public_actual is null then '缺少本年“三公”经费数据'
            when three_public_actual_prior is null then '缺少上年“三公”经费数据'
        end as missing_inputs,
        {{ scoring_concat(["'本年“三公”经费决算数 '", format_amount('three_public_actual'), "'，上年 '", format_amount('three_public_actual_prior')]) }}
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
    -- the report writes the change as (本年 − 上年) / 上年
    case
        when finance.three_public_actual is not null and finance.three_public_actual_prior is not null then
        {{ dbt.concat(["'('", format_amount('finance.three_public_actual'), "' − '", format_amount('finance.three_public_actual_prior'),
                       "') / '", format_amount('finance.three_public_actual_prior'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('three_public_change_rate') }}
) as rates
inner join finance
    on finance.dept_code = rates.dept_code and finance.fiscal_year = rates.fiscal_year
