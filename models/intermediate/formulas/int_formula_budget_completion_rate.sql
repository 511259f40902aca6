-- 预算完成率 = 实际支出 / 调整后预算 × 100%
-- （hn_dept_overall B11：actual paid / adjusted budget (basic + project)；mof_dept_common B11）
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        paid_total as numerator,        -- 实际支出（基本支出 + 项目支出）
        adjusted_total as denominator,  -- 调整后预算（基本支出 + 项目支出）
        {{ missing_amounts([('paid_total', '实际支出（执行数）'), ('adjusted_total', '调整后预算')]) }} as missing_inputs,
        {{ scoring_concat(["'实际支出 '", format_amount('paid_total'), "'，调整后预算 '", format_amount('adjusted_total')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('budget_completion_rate') }}
