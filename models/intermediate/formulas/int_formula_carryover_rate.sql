-- 结转结余率：分母因评价体系而异，所以是两个公式（formula_code）。
--   carryover_rate_on_paid   结转结余率 = 年末结转结余 / 实际支出 × 100%（hn_dept_overall B21：closing carryover / actual paid）
--   carryover_rate_on_budget 结转结余率 = 年末结转结余 / 支出预算数 × 100%（mof_dept_common B14：carryover / expenditure budget）
-- 年末结转结余：结转结余表的填报值；未填时为台账 Σ(调整后预算 − 实际支出)。
-- 这样算出的年末数为负（台账超支）时不是结转结余：无法评价，超支是核对发现（carryover_overspent）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

on_paid as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        carryover_closing as numerator,     -- 年末结转结余
        paid_total as denominator,          -- 实际支出
        coalesce(
            {{ missing_amounts([('carryover_closing', '年末结转结余'), ('paid_total', '实际支出')]) }},
            {{ carryover_overspent_text() }}
        ) as missing_inputs,
        {{ scoring_concat(["'年末结转结余 '", format_amount('carryover_closing'),
                           "case when carryover_closing_source = 'ledger' then '（台账 Σ(调整后预算 − 实际支出)）' end",
                           "'，实际支出 '", format_amount('paid_total')]) }}
            as inputs
    from finance
),

on_budget as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        carryover_closing as numerator,     -- 结转结余总额
        adjusted_total as denominator,      -- 支出预算数（调整后预算）
        coalesce(
            {{ missing_amounts([('carryover_closing', '年末结转结余'), ('adjusted_total', '支出预算数')]) }},
            {{ carryover_overspent_text() }}
        ) as missing_inputs,
        {{ scoring_concat(["'年末结转结余 '", format_amount('carryover_closing'),
                           "case when carryover_closing_source = 'ledger' then '（台账 Σ(调整后预算 − 实际支出)）' end",
                           "'，支出预算数 '", format_amount('adjusted_total')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('carryover_rate_on_paid', relation='on_paid') }}
union all
{{ scoring_rate_select('carryover_rate_on_budget', relation='on_budget') }}
