-- “三公经费”控制率 = “三公”经费决算数 / “三公”经费预算数 × 100%
-- （hn_dept_overall B24：三公 actual / 三公 budget；no budget and no spending = full；mof_dept_common B17）
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        three_public_actual as numerator,   -- “三公”经费决算数
        three_public_budget as denominator, -- “三公”经费预算数
        case
            when three_public_budget is null and three_public_actual is null then '缺少“三公”经费数据'
            when three_public_budget is null then '缺少“三公”经费预算数（空白表示未知）'
            when three_public_actual is null then '缺少“三公”经费决算数（空白表示未知）'
        end as missing_inputs,
        {{ scoring_concat(["'“三公”经费决算数 '", format_amount('three_public_actual'), "'，预算数 '", format_amount('three_public_budget')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('three_public_control_rate') }}
