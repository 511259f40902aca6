-- 固定资产利用率 = 在用固定资产 / 固定资产总额 × 100%
-- （hn_dept_overall B43：in-use / total fixed assets；mof_dept_common B33）
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        fixed_assets_in_use as numerator,   -- 在用固定资产
        fixed_assets_total as denominator,  -- 固定资产总额
        case
            when fixed_assets_in_use is null or fixed_assets_total is null
                then '缺少固定资产数据（其他基础数据中的“固定资产总额”“在用固定资产”）'
        end as missing_inputs,
        {{ scoring_concat(["'在用固定资产 '", format_amount('fixed_assets_in_use'), "'，固定资产总额 '", format_amount('fixed_assets_total')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('fixed_asset_utilization_rate') }}
