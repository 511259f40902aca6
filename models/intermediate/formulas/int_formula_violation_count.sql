-- 违规记录 = 违规违纪问题个数（sc_county_self S09：deduction 0.5 per violation）
-- 数据来自 facts.violations；没有 → 无法评价（有评价人评分时由人评分）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        violations as numerator,    -- 违规违纪问题个数
        cast(null as decimal(18, 2)) as denominator,
        case when violations is null then '缺少违规违纪问题个数（其他基础数据中的“违规违纪问题个数”）' end as missing_inputs,
        {{ scoring_concat(["'违规违纪问题 '", format_count('violations')]) }} as inputs
    from finance
)

{{ scoring_rate_select('violation_count', kind='count', unit='个') }}
