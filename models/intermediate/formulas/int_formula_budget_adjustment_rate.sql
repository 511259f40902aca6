-- 预算调整率 = |调整后预算 − 年初预算| / 年初预算 × 100%
-- （hn_dept_overall B12：abs(adjusted − original) / original；mof_dept_common B12）
-- 年初预算为 0：无法评价（不按 x/0 评分），分母为 0 的核对发现（warning）说明原因。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        abs(adjusted_total - original_total) as numerator,  -- 预算调整数
        original_total as denominator,                       -- 年初预算
        coalesce(
            {{ missing_amounts([('original_total', '年初预算'), ('adjusted_total', '调整后预算')]) }},
            -- a budget created during the year: never a score from x/0 (frameworks.md v2)
            case when original_total = 0 then '年初预算为 0（年度中新增的预算），预算调整率无法计算' end
        ) as missing_inputs,
        {{ scoring_concat(["'年初预算 '", format_amount('original_total'), "'，调整后预算 '", format_amount('adjusted_total'),
                           "'，预算调整数 '", format_amount('abs(adjusted_total - original_total)')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('budget_adjustment_rate') }}
