-- 执行进度（支付进度）= 截至当月累计支出 / 预算数 × 100%
-- （sc_county_self S07：months 6, 9, 11: progress = cumulative paid / budget；
--   mof_dept_common B13 支付进度率 = 实际支付进度 / 既定支付进度，既定进度在 framework_rule_parts）
-- 每个月一行，part_code = M06、M09、M11 …；评价体系在 framework_rule_parts 中选用哪些月份、目标进度和分值。
-- 没有某月的数据 → 该月没有行 → 用到该月的指标无法评价。
with progress as (
    select * from {{ ref('int_monthly_progress') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        part_code,
        cumulative_paid as numerator,   -- 截至当月累计支出
        budget_basis as denominator,    -- 预算数（月度进度表；未填取台账调整后预算）
        cast(null as {{ dbt.type_string() }}) as missing_inputs,
        {{ scoring_concat(["cast(month as " ~ dbt.type_string() ~ ")", "'月累计支出 '", format_amount('cumulative_paid'),
                           "'，预算数 '", format_amount('budget_basis'),
                           "case when budget_basis_source = 'ledger_adjusted' then '（台账调整后预算）' end"]) }}
            as inputs
    from progress
)

{{ scoring_rate_select('payment_progress') }}
