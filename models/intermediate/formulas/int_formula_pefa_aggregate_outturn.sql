-- PI-1.1 总支出实际执行 = 实际总支出 / 年初批准预算总额 × 100%
-- （pefa_2016：aggregate expenditure outturn = actual total / originally approved total）
-- 每个部门、每个年度一行；等级（最近三年中至少两年在 95%–105% 之间为 A …）由评分层按年度窗口评定。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        paid_total as numerator,        -- 实际总支出
        original_total as denominator,  -- 年初批准预算总额
        {{ missing_amounts([('paid_total', '实际总支出'), ('original_total', '年初批准预算总额')]) }} as missing_inputs,
        {{ scoring_concat(["'实际总支出 '", format_amount('paid_total'), "'，年初批准预算 '", format_amount('original_total')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('pefa_aggregate_outturn') }}
