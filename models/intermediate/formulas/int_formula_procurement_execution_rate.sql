-- 政府采购执行率 = 政府采购实际执行数 / 政府采购预算数 × 100%
-- （hn_dept_overall B25：procurement actual / procurement budget；mof_dept_common B18）
-- 数据来自 facts（procurement_budget、procurement_actual）；没有 → 无法评价（有评价人评分时由人评分）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        procurement_actual as numerator,    -- 政府采购实际执行数
        procurement_budget as denominator,  -- 政府采购预算数
        case
            when procurement_actual is null or procurement_budget is null
                then '缺少政府采购数据（其他基础数据中的“政府采购预算数”“政府采购实际执行数”）'
        end as missing_inputs,
        {{ scoring_concat(["'政府采购实际执行数 '", format_amount('procurement_actual'), "'，政府采购预算数 '", format_amount('procurement_budget')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('procurement_execution_rate') }}
