-- 公用经费控制率 = 公用经费实际支出 / 公用经费调整后预算 × 100%
-- （hn_dept_overall B23：public-expense actual / public-expense adjusted budget；mof_dept_common B16）
-- 公用经费 = 基本支出中项目类别为“公用经费”的行。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        public_paid as numerator,       -- 公用经费实际支出
        public_adjusted as denominator, -- 公用经费调整后预算
        {{ missing_amounts([('public_paid', '公用经费实际支出'), ('public_adjusted', '公用经费调整后预算')]) }} as missing_inputs,
        {{ scoring_concat(["'公用经费实际支出 '", format_amount('public_paid'), "'，公用经费调整后预算 '", format_amount('public_adjusted')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('public_expense_control_rate') }}
